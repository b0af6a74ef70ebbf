import { parse } from 'yaml';
import { services } from '../../infra/services';
import { ValidationError } from '../model/errors';
import { alertmanagerWorkload } from '../platforms/workload';
import type { StackConfigInput } from './config';
import { synthStack } from './index';
import { testStackConfig } from './testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The test stack of a platform with changes to its config. */
function stack(platform: 'docker' | 'kubernetes', change: (config: Obj) => void = () => {}) {
  const config = structuredClone(testStackConfig(platform)) as StackConfigInput & Obj;
  change(config);
  return synthStack(config, services, { environment: platform });
}

/** The issues synthStack refuses a stack with. */
function refusal(change: (config: Obj) => void): ValidationError['issues'] {
  try {
    stack('kubernetes', change);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('the stack was accepted');
}

const datasourceUrls = (files: Record<string, string>): string[] =>
  (parse(files['grafana/provisioning/datasources/promstack.yaml']) as Obj).datasources.map((d: Obj) => d.url);

describe('kubernetes.highAvailability', () => {
  it('defaults to a budget of one, preferred spreading and 20 s of readiness per replaced pod', () => {
    expect(stack('kubernetes').config.kubernetes.highAvailability).toEqual({
      maxUnavailable: 1,
      podAntiAffinity: 'preferred',
      zoneSpread: 'ScheduleAnyway',
      minReadySeconds: 20,
    });
  });

  it('refuses a budget that would let a drain stop every replica of a component, naming the fix', () => {
    // The test stack runs two Prometheus and three Alertmanagers.
    expect(
      refusal((c) => {
        c.kubernetes.highAvailability = { maxUnavailable: 2 };
      }),
    ).toEqual([
      {
        path: 'stack.kubernetes.highAvailability.maxUnavailable',
        message:
          '2 would let a node drain stop all 2 prometheus replicas at once: set it to at most 1, or raise prometheus.replicas',
      },
    ]);
    expect(
      refusal((c) => {
        c.kubernetes.highAvailability = { maxUnavailable: 3 };
      }).map((issue) => issue.message),
    ).toEqual([
      expect.stringMatching(/^3 would let a node drain stop all 2 prometheus replicas/),
      expect.stringMatching(/^3 would let a node drain stop all 3 alertmanager replicas/),
    ]);
  });

  it('accepts any budget for a lone replica, which gets none, and on Docker, which has none', () => {
    expect(() =>
      stack('kubernetes', (c) => {
        c.prometheus.replicas = 1;
        c.alertmanager.replicas = 1;
        c.kubernetes.highAvailability = { maxUnavailable: 3 };
      }),
    ).not.toThrow();
    expect(() =>
      stack('docker', (c) => {
        c.kubernetes = { highAvailability: { maxUnavailable: 1 } };
        c.alertmanager.replicas = 1;
      }),
    ).not.toThrow();
  });

  it('refuses readiness that does not outlast the settle timeout the Alertmanager members are given', () => {
    expect(
      refusal((c) => {
        c.kubernetes.highAvailability = { minReadySeconds: 15 };
      }),
    ).toEqual([
      {
        path: 'stack.kubernetes.highAvailability.minReadySeconds',
        message:
          '15 s of readiness does not outlast the 16 s an Alertmanager member may take to settle its gossip ' +
          '(--cluster.settle-timeout), so a rolling change could stop the next member before the replaced one ' +
          'has settled: set it to at least 16, or run one alertmanager replica',
      },
    ]);
    // The timeout of the message is the one the members run with.
    expect(alertmanagerWorkload(stack('kubernetes')).args).toContain('--cluster.settle-timeout=16s');
    expect(() =>
      stack('kubernetes', (c) => {
        c.kubernetes.highAvailability = { minReadySeconds: 16 };
      }),
    ).not.toThrow();
  });

  it('accepts any readiness for a lone Alertmanager, which does not gossip, and on Docker', () => {
    expect(() =>
      stack('kubernetes', (c) => {
        c.alertmanager.replicas = 1;
        c.kubernetes.highAvailability = { minReadySeconds: 0 };
      }),
    ).not.toThrow();
    expect(() =>
      stack('docker', (c) => {
        c.alertmanager.replicas = 3;
        c.kubernetes = { highAvailability: { minReadySeconds: 0 } };
      }),
    ).not.toThrow();
  });

  it('refuses a budget of zero, which would block every drain, and unknown values, with their paths', () => {
    const issues = refusal((c) => {
      c.kubernetes.highAvailability = { maxUnavailable: 0, podAntiAffinity: 'always', minReadySeconds: -1 };
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'stack.kubernetes.highAvailability.maxUnavailable',
      'stack.kubernetes.highAvailability.minReadySeconds',
      'stack.kubernetes.highAvailability.podAntiAffinity',
    ]);
    expect(issues.find((issue) => issue.path.endsWith('maxUnavailable'))?.message).toMatch(
      /block every node drain/,
    );
  });
});

describe("Grafana's datasources", () => {
  it('read Kubernetes replicas through the ClusterIP Services, not the first pod', () => {
    expect(datasourceUrls(stack('kubernetes').files)).toEqual([
      'http://prometheus-api.monitoring.svc:9090',
      'http://alertmanager-api.monitoring.svc:9093',
    ]);
  });

  it("leave Prometheus's alerting on every Alertmanager pod, never through the Service", () => {
    const alerting = stack('kubernetes').rendered.prometheus.alerting;
    expect(alerting?.alertmanagers?.flatMap((a) => a.static_configs?.flatMap((c) => c.targets))).toEqual(
      [0, 1, 2].map((i) => `alertmanager-${i}.alertmanager.monitoring.svc:9093`),
    );
  });

  it('read Docker Alertmanagers through the alias every member has, not alertmanager-0', () => {
    const files = stack('docker', (c) => {
      c.alertmanager.replicas = 3;
    }).files;
    expect(datasourceUrls(files)).toEqual(['http://prometheus:9090', 'http://alertmanager:9093']);
    // Prometheus still sends every alert to each member.
    expect(files['prometheus/prometheus.yml']).toContain('- alertmanager-2:9093');
  });
});
