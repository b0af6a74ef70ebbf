import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthStack } from '../components/stack';
import { planMonitoringStack, type StackPlan } from '../components/pulumi/stack';
import { sourceSecretOf } from '../components/platforms/workload';
import {
  checkWithTools,
  layoutUnder,
  repoStackConfig,
  secretValues,
  TEST_STACK_SECRETS,
  toolsAccept,
} from '../components/stack/testing';
import { services } from './services';

const SECRETS = secretValues([...TEST_STACK_SECRETS.kubernetes, 'watchdog-heartbeat-url']);

const plan = (environment: string): StackPlan =>
  planMonitoringStack({ stack: repoStackConfig(environment), services, environment, secrets: SECRETS });

/** What tells the environments apart, read from the plan each Pulumi.<env>.yaml produces. */
function profile(p: StackPlan) {
  const { prometheus, alertmanager, exampleBackend } = p.workloads;
  const flag = (name: string) => prometheus.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    platform: p.synth.config.platform,
    prometheusReplicas: prometheus.replicas,
    alertmanagerReplicas: alertmanager.replicas,
    retention: flag('storage.tsdb.retention.time'),
    remoteWrite: p.synth.files['prometheus/prometheus.yml'].includes('remote_write:'),
    exampleBackend: exampleBackend !== undefined,
    secrets: [
      ...new Set(Object.values(p.workloads).flatMap((w) => w?.secretFiles.map(sourceSecretOf) ?? [])),
    ].sort(),
  };
}

describe('the environments differ as intended', () => {
  it.each([
    [
      'dev',
      {
        platform: 'docker',
        prometheusReplicas: 1,
        alertmanagerReplicas: 1,
        retention: '7d',
        remoteWrite: false,
        exampleBackend: true,
        secrets: ['grafana-admin-password', 'grafana-secret-key', 'slack-webhook-url', 'web-password'],
      },
    ],
    [
      'staging',
      {
        platform: 'kubernetes',
        prometheusReplicas: 1,
        alertmanagerReplicas: 1,
        retention: '15d',
        remoteWrite: false,
        exampleBackend: false,
        secrets: [
          'grafana-admin-password',
          'grafana-secret-key',
          'slack-webhook-url',
          'watchdog-heartbeat-url',
          'web-password',
        ],
      },
    ],
    [
      'prod',
      {
        platform: 'kubernetes',
        prometheusReplicas: 2,
        alertmanagerReplicas: 3,
        retention: '30d',
        remoteWrite: true,
        exampleBackend: false,
        secrets: [
          'grafana-admin-password',
          'grafana-secret-key',
          'mimir-password',
          'pagerduty-platform-routing-key',
          'pagerduty-shop-routing-key',
          'slack-webhook-url',
          'watchdog-heartbeat-url',
          'web-password',
        ],
      },
    ],
  ])('%s', (environment, expected) => {
    expect(profile(plan(environment))).toEqual(expected);
  });

  it('every environment labels its series with its own name', () => {
    for (const environment of ['dev', 'staging', 'prod'])
      expect(plan(environment).synth.files['prometheus/prometheus.yml']).toContain(
        `environment: ${environment}`,
      );
  });

  it('dev keeps the receivers and teams it had', () => {
    const config = plan('dev').synth.config;
    expect(config.receivers.map((r) => r.name)).toEqual(['shop-slack', 'shop-pager', 'platform-webhook']);
    expect(Object.keys(config.teams).sort()).toEqual(['platform', 'shop']);
  });
});

describe('every Pulumi.<env>.yaml', () => {
  it.each(['dev', 'staging', 'prod'])(
    '%s renders configs the real promtool and amtool accept',
    async (environment) => {
      const root = mkdtempSync(join(tmpdir(), `promstack-${environment}-`));
      const result = synthStack(repoStackConfig(environment), services, {
        environment,
        layout: layoutUnder(root),
      });
      expect(await checkWithTools(result, root)).toEqual(toolsAccept());
    },
  );
});
