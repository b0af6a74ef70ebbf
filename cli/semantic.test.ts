import { defineService, type ServiceDefinition } from '../components/service';
import { synthStack } from '../components/stack';
import { testStackConfig } from '../components/stack/testing';
import { vendoredRuleFiles } from '../infra/rule-files';
import { services } from '../infra/services';
import { exprChange, formatChange, semanticChanges } from './semantic';

const rules = (body: string) => `groups:\n  - name: api.alerts\n    rules:\n${body}`;
const alert = (name: string, expr: string, extra = '') =>
  `      - alert: ${name}\n        expr: ${expr}\n${extra}`;

describe('exprChange', () => {
  it.each([
    ['up == 0', 'up == 1', 'threshold changed: 0 → 1'],
    ['rate(x[5m]) > 0.05', 'rate(x[5m]) > 0.1', 'threshold changed: 0.05 → 0.1'],
    ['a > 0.005 and b > 0.005', 'a > 0.001 and b > 0.001', 'threshold changed: 0.005 → 0.001 (2 times)'],
    ['rate(x[5m]) > 1', 'rate(x[10m]) > 1', 'expr changed: rate(x[5m]) > 1 → rate(x[10m]) > 1'],
    ['x{code="500"} > 1', 'x{code="503"} > 1', 'expr changed: x{code="500"} > 1 → x{code="503"} > 1'],
    ['rate5m > 1', 'rate1m > 1', 'expr changed: rate5m > 1 → rate1m > 1'],
  ])('%s → %s: %s', (a, b, expected) => {
    expect(exprChange(a, b)).toBe(expected);
  });
});

describe('semanticChanges of trees that have only files (bases from before the typed synth result)', () => {
  it('tells threshold, for, severity, labels and annotations apart, and matches same-name alerts by labels', () => {
    const before = rules(
      alert(
        'Slow',
        'latency > 0.5',
        '        for: 5m\n        labels:\n          severity: warning\n          team: shop\n',
      ) +
        alert('Burn', 'burn > 14.4', '        labels:\n          severity: critical\n') +
        alert('Burn', 'burn > 6', '        labels:\n          severity: warning\n') +
        alert('Gone', 'up == 0'),
    );
    const after = rules(
      alert(
        'Slow',
        'latency > 0.8',
        '        for: 10m\n        labels:\n          severity: critical\n          team: web\n        annotations:\n          summary: slow\n',
      ) +
        alert('Burn', 'burn > 6', '        labels:\n          severity: warning\n') +
        alert('Burn', 'burn > 10', '        labels:\n          severity: critical\n') +
        alert('New', 'up == 0'),
    );
    const lines = semanticChanges(
      { files: { 'prometheus/rules/api.yml': before } },
      { files: { 'prometheus/rules/api.yml': after } },
    ).map(formatChange);
    expect(lines).toEqual([
      '~ alert api.alerts/Slow: threshold changed: 0.5 → 0.8',
      '~ alert api.alerts/Slow: for changed: 5m → 10m',
      '~ alert api.alerts/Slow: severity changed: warning → critical',
      '~ alert api.alerts/Slow: label team changed: shop → web',
      '~ alert api.alerts/Slow: annotations changed: summary',
      '~ alert api.alerts/Burn (critical): threshold changed: 14.4 → 10',
      '- alert api.alerts/Gone',
      '+ alert api.alerts/New',
    ]);
  });

  it('reports scrape jobs, routes, receivers and inhibit rules', () => {
    const prometheus = (jobs: string[]) =>
      `global:\n  scrape_interval: 15s\nscrape_configs:\n${jobs.map((j) => `  - job_name: ${j}\n    static_configs:\n      - targets: ['${j}:80']\n`).join('')}`;
    const alertmanager = (warning: string, inhibit: boolean) =>
      `route:\n  receiver: ops\n  routes:\n    - matchers: ['team="shop"']\n      routes:\n        - receiver: ${warning}\n          matchers: ['severity="warning"']\n` +
      `receivers:\n  - name: ops\n  - name: ${warning}\n` +
      (inhibit
        ? `inhibit_rules:\n  - source_matchers: ['severity="critical"']\n    target_matchers: ['severity="warning"']\n    equal: [alertname]\n`
        : '');
    const lines = semanticChanges(
      {
        files: {
          'prometheus/prometheus.yml': prometheus(['api', 'old']),
          'alertmanager/alertmanager.yml': alertmanager('slack', true),
        },
      },
      {
        files: {
          'prometheus/prometheus.yml': prometheus(['api', 'web']),
          'alertmanager/alertmanager.yml': alertmanager('pager', false),
        },
      },
    ).map(formatChange);
    expect(lines).toEqual([
      '- scrape job old',
      '+ scrape job web',
      '~ route team="shop" › severity="warning": receivers changed: slack → pager',
      '- receiver slack',
      '+ receiver pager',
      '- inhibit rule severity="critical" mutes severity="warning" (equal: alertname)',
    ]);
  });

  it('reports dashboards and panels, and every other changed file by name', () => {
    const dashboard = (panels: { id: number; title: string; expr: string }[]) =>
      JSON.stringify({
        title: 'API',
        panels: panels.map((p) => ({ id: p.id, title: p.title, targets: [{ expr: p.expr }] })),
      });
    const lines = semanticChanges(
      {
        files: {
          'grafana/dashboards/api.json': dashboard([
            { id: 1, title: 'Errors', expr: 'a' },
            { id: 2, title: 'Latency', expr: 'b' },
          ]),
          'grafana/dashboards/old.json': dashboard([]),
          'alertmanager/templates/x.tmpl': 'a',
        },
      },
      {
        files: {
          'grafana/dashboards/api.json': dashboard([
            { id: 1, title: 'Error ratio', expr: 'a' },
            { id: 2, title: 'Latency', expr: 'c' },
            { id: 3, title: 'Saturation', expr: 'd' },
          ]),
          'alertmanager/templates/x.tmpl': 'b',
        },
      },
    ).map(formatChange);
    expect(lines).toEqual([
      '- dashboard old: API',
      '+ panel api "Saturation"',
      '~ panel api "Latency": targets changed',
      '~ panel api "Error ratio": title changed: "Errors" → "Error ratio"',
      '~ file alertmanager/templates/x.tmpl: notification template changed',
    ]);
  });

  it('finds nothing when nothing changed', () => {
    const files = { 'prometheus/rules/api.yml': rules(alert('A', 'up == 0')) };
    expect(semanticChanges({ files }, { files: { ...files } })).toEqual([]);
  });
});

describe('scrape jobs in per-service files', () => {
  it('reports a service scrape job added, removed and changed through prometheus/scrape/<service>.yml', () => {
    const job = (interval: string) =>
      `scrape_configs:\n  - job_name: orders\n    scrape_interval: ${interval}\n`;
    const added = semanticChanges({ files: {} }, { files: { 'prometheus/scrape/orders.yml': job('15s') } });
    expect(added.map(formatChange)).toEqual([expect.stringMatching(/scrape job.*orders/)]);
    expect(added[0].op).toBe('added');
    expect(
      semanticChanges({ files: { 'prometheus/scrape/orders.yml': job('15s') } }, { files: {} })[0].op,
    ).toBe('removed');
    const changed = semanticChanges(
      { files: { 'prometheus/scrape/orders.yml': job('15s') } },
      { files: { 'prometheus/scrape/orders.yml': job('30s') } },
    );
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ op: 'changed', kind: 'scrape job', name: 'orders' });
  });
});

describe('semanticChanges of synth results', () => {
  const render = (change?: (service: ServiceDefinition) => ServiceDefinition) =>
    synthStack(testStackConfig('docker'), change ? services.map(change) : services, {
      environment: 'dev',
      ruleFiles: vendoredRuleFiles(),
    });

  it('reads a base that has only files as it reads the typed objects: no change between them', () => {
    const result = render();
    expect(semanticChanges({ files: result.files }, result)).toEqual([]);
    expect(semanticChanges(result, { files: result.files })).toEqual([]);
  });

  it('describes a threshold override from the typed objects', () => {
    const before = render();
    const after = render((service) =>
      defineService({ ...service, alerts: { overrides: { HighLatency: { threshold: 1 } } } } as never),
    );
    expect(semanticChanges(before, after).map(formatChange)).toEqual([
      '~ alert orders.alerts/HighLatency: threshold changed: 0.5 → 1',
      // The description says the threshold in words.
      '~ alert orders.alerts/HighLatency: annotations changed: description',
      expect.stringMatching(/^~ panel svc-orders .*changed/),
      '~ file prometheus/tests/orders.yml: generated unit tests changed',
    ]);
  });
});
