/**
 * The files a Kubernetes pod sees, written to disk as the kubelet would write its projected volumes
 * (every ConfigMap key a file of that name in the folder it is mounted at, Secret items at their
 * paths), then read by the real promtool and amtool: the globs of prometheus.yml (`rule_files`,
 * `scrape_config_files`) and every path the configs name must meet the mounted layout. The stack is
 * rendered with its container paths mapped below a temporary folder, the mounts with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { orders } from '../../infra/services/orders';
import { installMocks, unwrapSecrets } from '../pulumi/testing';
import { defineService } from '../service';
import { synthStack } from '../stack';
import { OUTPUT_PATHS, ruleFilePath, scrapeFilePath } from '../stack/paths';
import { layoutUnder, secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { runTool } from '../tools/binaries';
import { deployKubernetesWorkload, type KubernetesPlacement } from './kubernetes';
import { clusterData, materialise, projectedFiles } from './testing';
import { WEB_CONFIG_FILE, webConfigYaml } from './web-auth';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload } from './workload';

const mocks = installMocks('mounts');
const root = mkdtempSync(join(tmpdir(), 'promstack-k8s-mounts-'));
const layout = layoutUnder(root);

// A service whose scrape job reads a stack secret: its scrape file names a file in the secrets folder.
const payments = defineService({
  ...orders,
  name: 'payments',
  scrape: {
    targets: { kubernetes: { namespace: 'shop', podLabels: { app: 'payments' }, port: 8080 } },
    bearerTokenFile: { secret: 'payments-token' },
  },
});
const catalogue = [...services, payments];
const synth = synthStack(testStackConfig('kubernetes'), catalogue, { environment: 'prod', layout });
const SECRETS = secretValues([...TEST_STACK_SECRETS.kubernetes, 'payments-token']);

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, {});
  }
}
const parent = new Parent('mounts');
const placement: KubernetesPlacement = {
  platform: 'kubernetes',
  namespace: 'monitoring',
  namespaceName: 'monitoring',
  labels: {},
};
const workloads = {
  prometheus: prometheusWorkload(synth, { layout }),
  alertmanager: alertmanagerWorkload(synth, { layout }),
  grafana: grafanaWorkload(synth, { layout }),
};
for (const [name, workload] of Object.entries(workloads)) {
  deployKubernetesWorkload(`mounts-${name}`, workload, placement, {
    parent,
    secrets: SECRETS,
    controller: name === 'grafana' ? 'Deployment' : 'StatefulSet',
  });
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let mounted: Record<keyof typeof workloads, Map<string, string>>;

beforeAll(async () => {
  await mocks.settle();
  const cluster = clusterData(mocks);
  const podSpec = (name: string) =>
    (unwrapSecrets(mocks.named(name).inputs) as Obj).spec.template.spec as Obj;
  mounted = {
    prometheus: projectedFiles(podSpec('mounts-prometheus-statefulset'), cluster),
    alertmanager: projectedFiles(podSpec('mounts-alertmanager-statefulset'), cluster),
    grafana: projectedFiles(podSpec('mounts-grafana-deployment'), cluster),
  };
  for (const files of Object.values(mounted)) materialise(files);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const tool = async (name: 'promtool' | 'amtool', args: string[]) => {
  const { code, stdout, stderr } = await runTool(name, args);
  return { code, output: stdout + stderr };
};
const prometheusConfig = join(root, OUTPUT_PATHS.prometheusConfig);

describe('config files as a Kubernetes pod sees them', () => {
  it('are exactly the files of each workload, at the paths its configs name', () => {
    for (const [name, workload] of Object.entries(workloads)) {
      const expected = new Map(workload.configFiles.map((f) => [f.path, f.content]));
      for (const secret of workload.secretFiles)
        expected.set(
          secret.path,
          secret.webConfigOf
            ? webConfigYaml(secret.webConfigOf, SECRETS['web-password'])
            : SECRETS[secret.secretName as keyof typeof SECRETS],
        );
      expect([...mounted[name as keyof typeof workloads]].sort()).toEqual([...expected].sort());
    }
  });

  it('promtool loads prometheus.yml and every rule file through the rule_files glob', async () => {
    const { code, output } = await tool('promtool', ['check', 'config', prometheusConfig]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    const ruleFiles = Object.keys(synth.files).filter((path) => path.startsWith(OUTPUT_PATHS.rulesDir));
    expect(ruleFiles).toContain(ruleFilePath('payments'));
    expect(output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
    for (const path of ruleFiles) expect(output).toContain(`Checking ${join(root, path)}\n`);
  });

  it('promtool accepts the web config both tools read, as the Secret mounts it', async () => {
    for (const dir of [layout.prometheusSecretsDir, layout.alertmanagerSecretsDir]) {
      const { code, output } = await tool('promtool', ['check', 'web-config', join(dir, WEB_CONFIG_FILE)]);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    }
  });

  it("promtool reads the scrape files from their mounted folder: without the payments job's token it fails", async () => {
    const token = join(layout.prometheusSecretsDir, 'payments-token');
    expect(synth.files[scrapeFilePath('payments')]).toContain(`credentials_file: ${token}`);
    rmSync(token);
    try {
      const { code, output } = await tool('promtool', ['check', 'config', prometheusConfig]);
      expect(code).not.toBe(0);
      expect(output).toContain(token);
    } finally {
      materialise(new Map([[token, mounted.prometheus.get(token)!]]));
    }
  });

  it('amtool loads alertmanager.yml and the notification templates through their glob', async () => {
    const { code, output } = await tool('amtool', [
      'check-config',
      join(root, OUTPUT_PATHS.alertmanagerConfig),
    ]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(output).toMatch(/ - 1 templates/);
  });

  it("Grafana's dashboard provider reads the folder its dashboards are mounted in", () => {
    const providers = synth.rendered.grafana.providers;
    expect(providers.map((p) => p.options.path)).toEqual([layout.grafanaDashboardsDir]);
    const dashboards = [...mounted.grafana.keys()].filter((p) => p.endsWith('.json'));
    expect(dashboards).toHaveLength(Object.keys(synth.rendered.dashboards).length);
    for (const path of dashboards) expect(path.startsWith(`${layout.grafanaDashboardsDir}/`)).toBe(true);
  });
});
