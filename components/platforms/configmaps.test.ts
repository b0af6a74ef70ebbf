import { services } from '../../infra/services';
import { synthStack } from '../stack';
import { testStackConfig } from '../stack/testing';
import { CONFIGMAP_DATA_LIMIT, CONFIGMAP_MIN_SLOTS, configMapSlots, planConfigVolumes } from './configmaps';
import { grafanaWorkload, prometheusWorkload, type Workload } from './workload';

const prod = synthStack(testStackConfig('kubernetes'), services, { environment: 'prod' });

function withFiles(files: Record<string, string>): Workload {
  return {
    ...prometheusWorkload(prod),
    configFiles: Object.entries(files).map(([path, content]) => ({ path, content, source: path.slice(5) })),
    secretFiles: [],
  };
}

describe('planConfigVolumes', () => {
  it('keeps prometheus.yml apart from the rules and scrape jobs, every file in its folder', () => {
    const { plan, issues } = planConfigVolumes(prometheusWorkload(prod));
    expect(issues).toEqual([]);
    // Prometheus reloads its files: each folder has its fixed slots, the unused ones empty.
    expect(plan.configMaps.map((c) => c.id)).toEqual(
      ['prometheus', 'prometheus-rules', 'prometheus-scrape'].flatMap((id) =>
        [0, 1, 2, 3].map((n) => `${id}-${n}`),
      ),
    );
    const used = plan.configMaps.filter((c) => Object.keys(c.data).length > 0);
    expect(used.map((c) => c.id)).toEqual(['prometheus-0', 'prometheus-rules-0', 'prometheus-scrape-0']);
    expect(used.map((c) => [c.dir, Object.keys(c.data)])).toEqual([
      ['/etc/prometheus', ['prometheus.yml']],
      ['/etc/prometheus/rules', ['orders.yml', 'promstack-stack.yml']],
      ['/etc/prometheus/scrape', ['orders.yml']],
    ]);
    expect(used[1].data['orders.yml']).toBe(prod.files['prometheus/rules/orders.yml']);
    expect(plan.secretItems).toEqual([
      { key: 'mimir-password', dir: '/etc/prometheus/secrets', path: 'mimir-password' },
      { key: 'web-password', dir: '/etc/prometheus/secrets', path: 'web-password' },
      {
        key: 'promstack-web-config.yml',
        dir: '/etc/prometheus/secrets',
        path: 'promstack-web-config.yml',
      },
    ]);
    expect(plan.dirs).toEqual([
      '/etc/prometheus',
      '/etc/prometheus/rules',
      '/etc/prometheus/scrape',
      '/etc/prometheus/secrets',
    ]);
  });

  it('groups Grafana files by folder across its three mount points', () => {
    const { plan, issues } = planConfigVolumes(grafanaWorkload(prod));
    expect(issues).toEqual([]);
    expect(plan.configMaps.map((c) => c.id)).toEqual([
      'dashboards-0',
      'provisioning-dashboards-0',
      'provisioning-datasources-0',
    ]);
    expect(plan.secretItems).toEqual([
      {
        key: 'grafana-admin-password',
        dir: '/etc/grafana/promstack/secrets',
        path: 'grafana-admin-password',
      },
      { key: 'grafana-secret-key', dir: '/etc/grafana/promstack/secrets', path: 'grafana-secret-key' },
      { key: 'web-password', dir: '/etc/grafana/promstack/secrets', path: 'web-password' },
    ]);
    expect(plan.dirs).toEqual([
      '/etc/grafana/promstack/dashboards',
      '/etc/grafana/promstack/provisioning/dashboards',
      '/etc/grafana/promstack/provisioning/datasources',
      '/etc/grafana/promstack/secrets',
    ]);
  });

  it('splits a folder into ConfigMaps below the limit, in path order', () => {
    const big = 'x'.repeat(400 * 1024);
    const workload = withFiles({
      '/etc/prometheus/rules/a.yml': big,
      '/etc/prometheus/rules/b.yml': big,
      '/etc/prometheus/rules/c.yml': big,
      '/etc/prometheus/rules/d.yml': 'small',
    });
    const { plan, issues } = planConfigVolumes(workload);
    expect(issues).toEqual([]);
    expect(plan.configMaps.map((c) => [c.id, Object.keys(c.data)])).toEqual([
      ['prometheus-rules-0', ['a.yml', 'b.yml']],
      ['prometheus-rules-1', ['c.yml', 'd.yml']],
      ['prometheus-rules-2', []],
      ['prometheus-rules-3', []],
    ]);
    for (const chunk of plan.configMaps) {
      const size = Object.entries(chunk.data).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
      expect(size).toBeLessThanOrEqual(CONFIGMAP_DATA_LIMIT);
    }
  });

  it('gives a folder of a reloaded workload fixed slots: growth fills them, and only past them they double', () => {
    const big = 'x'.repeat(600 * 1024);
    const ids = (count: number) => {
      const files = Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`/etc/prometheus/rules/r${i}.yml`, big]),
      );
      return planConfigVolumes(withFiles(files)).plan.configMaps.map((c) => c.id);
    };
    // One ConfigMap or four: the same ConfigMaps, so the same pod spec.
    expect(ids(4)).toEqual(ids(1));
    expect(ids(1)).toHaveLength(CONFIGMAP_MIN_SLOTS);
    expect(ids(5)).toHaveLength(2 * CONFIGMAP_MIN_SLOTS);
    expect(configMapSlots(9)).toBe(16);
    // A workload that does not reload (Grafana) has as many ConfigMaps as it fills.
    const grafana = planConfigVolumes(grafanaWorkload(prod)).plan.configMaps;
    expect(grafana.every((c) => Object.keys(c.data).length > 0)).toBe(true);
  });

  it.each([
    [
      'a file above the limit',
      { '/etc/prometheus/rules/huge.yml': 'x'.repeat(CONFIGMAP_DATA_LIMIT + 1) },
      /more than a ConfigMap holds/,
    ],
    ['a file outside the config folders', { '/opt/other.yml': 'x' }, /outside the config folders/],
    [
      'a name that is no ConfigMap key',
      { '/etc/prometheus/rules/a b.yml': 'x' },
      /not a valid ConfigMap key/,
    ],
    [
      'two folders that would share ConfigMap names',
      { '/etc/prometheus/a/b/y.yml': 'y', '/etc/prometheus/a-b/x.yml': 'x' },
      /folder \/etc\/prometheus\/a\/b has the same ConfigMap name \(prometheus-a-b\) as \/etc\/prometheus\/a-b: rename one/,
    ],
  ])('reports %s, named by its synth path', (_case, files, message) => {
    const { issues } = planConfigVolumes(withFiles(files));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe(`files.${Object.keys(files)[0].slice(5)}`);
    expect(issues[0].message).toMatch(message);
  });
});
