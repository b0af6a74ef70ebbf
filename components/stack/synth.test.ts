import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../model/errors';
import { runTool } from '../tools/binaries';
import { defineService, type ServiceDefinition } from '../service';
import { services } from '../../infra/services';
import { synthStack, type StackConfigInput } from './index';
import { layoutUnder, testStackConfig, writeFiles } from './testing';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('synthStack on the Docker test stack', () => {
  it('renders files the real promtool and amtool accept, and every generated alert test passes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'promstack-dev-'));
    const result = synthStack(testStackConfig('docker'), services, {
      environment: 'dev',
      layout: layoutUnder(root),
    });
    writeFiles(result.files, root);
    for (const name of result.secrets.alertmanager) {
      mkdirSync(join(root, 'alertmanager', 'secrets'), { recursive: true });
      writeFileSync(join(root, 'alertmanager', 'secrets', name), 'https://hooks.example.invalid/x\n');
    }
    const promConfig = await runTool('promtool', [
      'check',
      'config',
      join(root, 'prometheus', 'prometheus.yml'),
    ]);
    expect(promConfig.stdout).toContain('SUCCESS: 2 rule files found');
    expect(promConfig.code).toBe(0);
    const tests = Object.keys(result.files).filter((p) => p.startsWith('prometheus/tests/'));
    const unit = await runTool('promtool', ['test', 'rules', ...tests.map((p) => join(root, p))], {
      timeoutMs: 120_000,
    });
    expect(unit.stdout + unit.stderr).not.toContain('FAILED');
    expect(unit.code).toBe(0);
    const am = await runTool('amtool', ['check-config', join(root, 'alertmanager', 'alertmanager.yml')]);
    expect(am.stdout).toContain('1 templates');
    expect(am.stdout).not.toContain('FAILED');
    expect(am.code).toBe(0);
  });

  it.each([
    [
      { alertname: 'HighErrorRate', service: 'orders', team: 'shop', severity: 'critical' },
      'shop-pager,shop-slack',
    ],
    [{ alertname: 'HighLatency', service: 'orders', team: 'shop', severity: 'warning' }, 'shop-slack'],
    [{ alertname: 'MonitoringComponentDown', team: 'platform', severity: 'critical' }, 'platform-webhook'],
    [{ alertname: 'Watchdog', team: 'platform', severity: 'none' }, 'null'],
    [{ alertname: 'Unowned', severity: 'critical' }, 'platform-webhook'],
  ])('routes %j to %s (amtool config routes test)', async (labels, receivers) => {
    const root = writeFiles(synthStack(testStackConfig('docker'), services, { environment: 'dev' }).files);
    const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const result = await runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${join(root, 'alertmanager', 'alertmanager.yml')}`,
      `--verify.receivers=${receivers}`,
      ...args,
    ]);
    expect(result.stdout.trim()).toBe(receivers);
    expect(result.code).toBe(0);
  });

  it('links every alert to its runbook and service dashboard, an override wins, and the tests still pass', async () => {
    const config = {
      ...clone(testStackConfig('docker')),
      runbookBaseUrl: 'https://wiki.example.com/runbooks/',
      grafana: { rootUrl: 'https://grafana.example.com' },
    } as StackConfigInput;
    const custom = services.map((s) =>
      s.name === 'orders'
        ? defineService({
            ...s,
            alerts: {
              ...s.alerts,
              overrides: {
                ...s.alerts?.overrides,
                HighLatency: { annotations: { runbook_url: 'https://wiki.example.com/latency' } },
              },
            },
          })
        : s,
    );
    const root = mkdtempSync(join(tmpdir(), 'promstack-links-'));
    const result = synthStack(config, custom, { environment: 'dev', layout: layoutUnder(root) });
    writeFiles(result.files, root);
    const orders = result.files['prometheus/rules/orders.yml'];
    expect(orders).toContain('runbook_url: https://wiki.example.com/runbooks/HighErrorRate');
    expect(orders).toContain('runbook_url: https://wiki.example.com/latency');
    expect(orders).not.toContain('runbooks/HighLatency');
    expect(orders).toContain('dashboard_url: https://grafana.example.com/d/svc-orders');
    const stack = result.files['prometheus/rules/promstack-stack.yml'];
    expect(stack).toContain('runbook_url: https://wiki.example.com/runbooks/MonitoringComponentDown');
    expect(stack).not.toContain('dashboard_url');
    const tests = Object.keys(result.files).filter((p) => p.startsWith('prometheus/tests/'));
    expect(result.files[tests.find((t) => t.endsWith('orders.yml'))!]).toContain(
      'dashboard_url: https://grafana.example.com/d/svc-orders',
    );
    const unit = await runTool('promtool', ['test', 'rules', ...tests.map((p) => join(root, p))], {
      timeoutMs: 120_000,
    });
    expect(unit.stdout + unit.stderr).not.toContain('FAILED');
    expect(unit.code).toBe(0);
  });

  it('is byte-for-byte deterministic', () => {
    const first = synthStack(testStackConfig('docker'), services, { environment: 'dev' }).files;
    const second = synthStack(clone(testStackConfig('docker')), services, { environment: 'dev' }).files;
    expect(second).toEqual(first);
  });

  it('keeps secrets as file paths: no secret reference object lands in any file', () => {
    const result = synthStack(testStackConfig('docker'), services, { environment: 'dev' });
    expect(result.secrets.alertmanager).toEqual(['slack-webhook-url']);
    for (const text of Object.values(result.files)) expect(text).not.toMatch(/\{ ?"?secret"?:/);
    expect(result.files['alertmanager/alertmanager.yml']).toContain(
      'api_url_file: /etc/alertmanager/secrets/slack-webhook-url',
    );
  });

  it('changing one threshold changes one line of the rule file, its test and the dashboard threshold line', () => {
    const tuned = services.map((s) =>
      s.name === 'orders' ? { ...s, errorRatioThreshold: 0.02 } : s,
    ) as ServiceDefinition[];
    const before = synthStack(testStackConfig('docker'), services, { environment: 'dev' }).files;
    const after = synthStack(testStackConfig('docker'), tuned, { environment: 'dev' }).files;
    const changed = Object.keys(before).filter((path) => before[path] !== after[path]);
    expect(changed).toEqual([
      'grafana/dashboards/svc-orders.json',
      'prometheus/rules/orders.yml',
      'prometheus/tests/orders.yml',
    ]);
    const diff = (a: string, b: string) => a.split('\n').filter((line, i) => line !== b.split('\n')[i]);
    expect(diff(after['prometheus/rules/orders.yml'], before['prometheus/rules/orders.yml'])).toEqual([
      '          ) > 0.02',
      '            More than 2% of orders requests failed (status=~"5..") over the last 5 minutes, at 0.1 requests per second or more, for 5 minutes.',
    ]);
  });
});

describe('synthStack bad input', () => {
  const base = () => clone(testStackConfig('docker')) as StackConfigInput & Record<string, unknown>;
  const cases: [
    string,
    (c: StackConfigInput & Record<string, unknown>) => void,
    ServiceDefinition[] | undefined,
    string,
    RegExp,
  ][] = [
    [
      'runbook base URL with credentials',
      (c) =>
        ((c as Record<string, unknown>).runbookBaseUrl = 'https://bob:hunter2@wiki.example.com/runbooks'),
      undefined,
      'stack.runbookBaseUrl',
      /remove the user name and password/,
    ],
    [
      'Grafana URL that is not http(s)',
      (c) => (c.grafana = { rootUrl: 'ftp://grafana.example.com' }),
      undefined,
      'stack.grafana.rootUrl',
      /http\(s\) URL/,
    ],
    [
      'unknown platform',
      (c) => ((c as Record<string, unknown>).platform = 'nomad'),
      undefined,
      'stack.platform',
      /docker/,
    ],
    [
      'unpinned image',
      (c) => (c.prometheus = { image: 'prom/prometheus:latest' }),
      undefined,
      'stack.prometheus.image',
      /not pinned/,
    ],
    [
      'team receiver missing',
      (c) => (c.teams!.shop.warning = ['nobody']),
      undefined,
      'stack.teams.shop.warning[0]',
      /receiver nobody is not defined/,
    ],
    [
      'default receiver missing',
      (c) => (c.defaultReceiver = 'ghost'),
      undefined,
      'stack.defaultReceiver',
      /not defined/,
    ],
    [
      'bad retention',
      (c) => (c.prometheus = { retention: '2 weeks' }),
      undefined,
      'stack.prometheus.retention',
      /invalid duration/,
    ],
    [
      'service of unknown team',
      () => undefined,
      [defineService({ ...services[0], team: 'ghosts' } as never)],
      'services.orders.team',
      /team ghosts is not defined/,
    ],
    [
      'service without docker targets',
      () => undefined,
      [defineService({ ...services[0], scrape: { targets: { local: ['127.0.0.1:1'] } } } as never)],
      'services.orders.scrape.targets.docker',
      /give this service's targets/,
    ],
    [
      'a Kubernetes selector without labels',
      () => undefined,
      [
        defineService({
          ...services[0],
          scrape: {
            targets: {
              ...services[0].scrape.targets,
              kubernetes: { namespace: 'shop', podLabels: {}, port: 8080 },
            },
          },
        } as never),
      ],
      'services.orders.scrape.targets.kubernetes.podLabels',
      /give at least one pod label that selects this service’s pods only/,
    ],
    [
      'a histogram declared by its _bucket series',
      () => undefined,
      [
        defineService({
          ...services[0],
          metrics: { ...services[0].metrics, rpc_seconds_bucket: { type: 'histogram', labels: [] } },
        } as never),
      ],
      'services.orders.metrics.rpc_seconds_bucket',
      /declare a histogram by its base name, rpc_seconds/,
    ],
    [
      'an error ratio threshold written as a percentage',
      () => undefined,
      [defineService({ ...services[0], errorRatioThreshold: 5 } as never)],
      'services.orders.errorRatioThreshold',
      /a ratio from 0 to 1: write 0.05 for 5%/,
    ],
    [
      'two services scraping the same Docker target',
      () => undefined,
      [services[0], defineService({ ...services[0], name: 'orders-copy' } as never)],
      'services.orders-copy.scrape.targets.docker',
      /orders:8080 is scraped by service orders too/,
    ],
    [
      'two services selecting the same pods',
      () => undefined,
      [
        services[0],
        defineService({
          ...services[0],
          name: 'orders-canary',
          scrape: {
            targets: {
              docker: ['orders-canary:8080'],
              kubernetes: { namespace: 'shop', podLabels: { track: 'canary' }, port: 8080 },
            },
          },
        } as never),
      ],
      'services.orders-canary.scrape.targets.kubernetes.podLabels',
      /selects the pods of service orders too \(namespace shop, port 8080\)/,
    ],
    [
      'a 7d SLO whose shortest window holds fewer than two scrapes',
      () => undefined,
      [
        defineService({
          ...services[0],
          scrape: { ...services[0].scrape, interval: '1m' },
          slos: [{ name: 'availability', objective: 99.5, period: '7d' }],
        } as never),
      ],
      'services.orders.slos[availability].period',
      /the 7d SLO's shortest window \(1m10s\) holds fewer than two scrapes at the 1m scrape interval: scrape every 35s or less/,
    ],
    [
      'an override whose expression has a type error',
      () => undefined,
      [
        defineService({
          ...services[0],
          alerts: { overrides: { HighLatency: { expr: 'rate(http_requests_total{job="orders"}) > 1' } } },
        } as never),
      ],
      'services.orders.alerts.overrides.HighLatency.expr',
      /^rate\(\) needs a range vector as argument 1, got instant vector at col 6$/,
    ],
    [
      'an override whose annotation is a broken template',
      () => undefined,
      [
        defineService({
          ...services[0],
          alerts: { overrides: { HighLatency: { annotations: { summary: '{{ $value ( }} is slow' } } } },
        } as never),
      ],
      'services.orders.alerts.overrides.HighLatency.annotations.summary',
      /^template: unclosed left paren at col \d+$/,
    ],
    [
      'an override whose runbook URL carries credentials',
      () => undefined,
      [
        defineService({
          ...services[0],
          alerts: {
            overrides: {
              HighLatency: { annotations: { runbook_url: 'https://bob:hunter2@wiki.example.com/latency' } },
            },
          },
        } as never),
      ],
      'services.orders.alerts.overrides.HighLatency.annotations.runbook_url',
      /remove the user name and password/,
    ],
    [
      'a custom alert whose label uses an unknown template function',
      () => undefined,
      [
        defineService({
          ...services[0],
          alerts: {
            custom: {
              OrdersStuck: {
                expr: 'up == 0',
                severity: 'warning',
                summary: 's',
                labels: { x: '{{ humanise $value }}' },
              },
            },
          },
        } as never),
      ],
      'services.orders.alerts.custom.OrdersStuck.labels.x',
      /^template: function "humanise" not defined/,
    ],
  ];
  it.each(cases)('rejects %s', (_name, mutate, svc, path, message) => {
    const config = base();
    mutate(config);
    let error: unknown;
    try {
      synthStack(config, svc ?? services, { environment: 'dev' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      path,
      message: expect.stringMatching(message),
    });
  });
});
