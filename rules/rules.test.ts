import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRuleFile } from '../components/model/rules';
import { renderYaml } from '../components/model/yaml';
import { defineService, type ServiceDefinition } from '../components/service';
import { runTool } from '../components/tools/binaries';
import { orders } from '../infra/services/orders';
import {
  applyOverrides,
  buildServiceRules,
  promtoolTests,
  ruleFileOf,
  stackHealthAlerts,
  type BuiltRules,
} from './index';

/** Writes rules/<name>.yml and tests/<name>.yml as synth lays them out, and returns the test path. */
function writeRules(dir: string, rules: BuiltRules): string {
  mkdirSync(join(dir, 'rules'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'rules', `${rules.groupPrefix}.yml`), renderRuleFile(ruleFileOf(rules)));
  const tests = promtoolTests(rules, `../rules/${rules.groupPrefix}.yml`);
  if (!tests) throw new Error(`no tests for ${rules.groupPrefix}`);
  const file = join(dir, 'tests', `${rules.groupPrefix}.yml`);
  writeFileSync(file, renderYaml(tests));
  return file;
}

const tuned: ServiceDefinition = defineService({
  name: 'payments',
  team: 'money',
  labels: { tier: 'one' },
  scrape: { targets: { docker: ['payments:9000'] } },
  metrics: {
    rpc_requests_total: { type: 'counter', labels: ['code', 'method'] },
    rpc_duration_seconds: { type: 'histogram', labels: ['method'] },
  },
  red: {
    requests: 'rpc_requests_total',
    errors: { label: 'code', regex: 'Internal|Unavailable' },
    latency: 'rpc_duration_seconds',
  },
  errorRatioThreshold: 0.01,
  slos: [
    { name: 'availability', objective: 99.9 },
    { name: 'strict', objective: 99.99, period: '28d' },
  ],
  alerts: {
    overrides: {
      HighLatency: { threshold: 2, for: '20m', severity: 'critical' },
      HighCpuUsage: { disabled: true },
      HighMemoryUsage: {
        threshold: 2 * 1024 ** 3,
        labels: { page: 'no' },
        annotations: { runbook_url: 'https://runbooks/mem' },
      },
      'SloBurn:strict:ticket': { disabled: true },
    },
    custom: {
      PaymentsQueueStuck: {
        expr: 'max(payments_queue_age_seconds) > 600',
        severity: 'warning',
        summary: 'Payment queue is stuck',
      },
    },
  },
});

/** Declares its container's limits: the resource alerts fire at a share of them. */
const limited: ServiceDefinition = defineService({
  ...orders,
  name: 'limited',
  // Its SLOs' tests are the example backend's: only the resource alerts differ.
  slos: undefined,
  resources: { limits: { cpuCores: 1, memoryBytes: 1024 ** 3 }, memoryLimitShare: 0.75 },
});

describe('generated service rules', () => {
  // The example backend has two SLOs (availability 30d, latency 7d): about 20 s of promtool CPU, which a
  // loaded machine stretches past the default minute.
  it.each([
    ['the example backend', orders],
    ['a service with overrides', tuned],
    ['a service with container limits', limited],
  ])(
    'for %s pass promtool check rules and every generated promtool test',
    async (_name, service) => {
      const dir = mkdtempSync(join(tmpdir(), 'promstack-svc-'));
      const rules = buildServiceRules(service);
      const testFile = writeRules(dir, rules);
      const check = await runTool('promtool', [
        'check',
        'rules',
        '--lint=all',
        '--lint-fatal',
        join(dir, 'rules', `${service.name}.yml`),
      ]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
      const test = await runTool('promtool', ['test', 'rules', testFile]);
      expect(test.stdout + test.stderr).toContain('SUCCESS');
      expect(test.code).toBe(0);
    },
    240_000,
  );

  it('derives a firing and a silent case for every generated alert of the example backend', () => {
    const rules = buildServiceRules(orders);
    const keys = rules.alerts.map((a) => a.key);
    expect(keys).toEqual([
      'TargetDown',
      'TargetDown:share',
      'TargetsMissing',
      'HighErrorRate',
      'HighLatency',
      'HighCpuUsage',
      'HighMemoryUsage',
      'SloBurn:availability:page',
      'SloBurn:availability:ticket',
      'SloBurn:latency:page',
      'SloBurn:latency:ticket',
    ]);
    const tests = promtoolTests(rules, 'rules.yml')!.tests.map((t) => t.name);
    for (const key of keys) {
      expect(tests).toContain(`orders ${key} fires`);
      expect(tests).toContain(`orders ${key} stays silent`);
    }
  });

  it('pages TargetDown by share, warns per instance, alerts on no targets, guards the error ratio', () => {
    const rules = buildServiceRules(orders);
    const byKey = new Map(rules.alerts.map((a) => [a.key, a]));
    expect(byKey.get('TargetDown')!.rule).toMatchObject({
      expr: 'up{job="orders"} == 0',
      labels: { severity: 'warning' },
    });
    expect(byKey.get('TargetDown:share')!.rule).toMatchObject({
      alert: 'TargetDown',
      expr: 'count by (job) (up{job="orders"} == 0)\n  /\ncount by (job) (up{job="orders"})\n  >= 0.5',
      labels: { severity: 'critical' },
    });
    expect(byKey.get('TargetsMissing')!.rule).toMatchObject({
      expr: 'absent(up{job="orders"})',
      for: '10m',
      labels: { severity: 'critical' },
    });
    expect(byKey.get('TargetsMissing')!.rule.annotations.description).toContain(
      'on Kubernetes, running pods in namespace shop labelled app=orders with port 8080 (scrape.targets.kubernetes)',
    );
    expect(byKey.get('HighErrorRate')!.rule.expr).toBe(
      '(\n  service:error_ratio:rate5m{service="orders"}\nand\n  service:requests:rate5m{service="orders"} >= 0.1\n) > 0.05',
    );
    const tests = promtoolTests(rules, 'rules.yml')!.tests;
    const named = (name: string) => tests.find((t) => t.name === `orders ${name}`)!;
    // One of twenty down: only the warning; half down: the page and the ten warnings under it.
    const oneDown = named('TargetDown fires');
    expect(oneDown.input_series.filter((s) => s.values.startsWith('0x'))).toHaveLength(1);
    expect(oneDown.input_series).toHaveLength(20);
    expect(oneDown.alert_rule_test[0].exp_alerts.map((a) => a.exp_labels.severity)).toEqual(['warning']);
    const halfDown = named('TargetDown:share fires');
    expect(halfDown.input_series.filter((s) => s.values.startsWith('0x'))).toHaveLength(10);
    const severities = halfDown.alert_rule_test[0].exp_alerts.map((a) => a.exp_labels.severity);
    expect(severities.filter((s) => s === 'critical')).toHaveLength(1);
    expect(severities.filter((s) => s === 'warning')).toHaveLength(10);
    expect(named('TargetsMissing fires').input_series.some((s) => s.series.includes('job="orders"'))).toBe(
      false,
    );
    expect(named('HighErrorRate stays silent at low traffic').alert_rule_test[0].exp_alerts).toEqual([]);
  });

  it('fails the generated tests without the traffic guard, the share or the job (the tests can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-guards-'));
    const all = buildServiceRules(orders);
    const replaced: Record<string, string> = {
      HighErrorRate: 'service:error_ratio:rate5m{service="orders"} > 0.05',
      'TargetDown:share': 'count by (job) (up{job="orders"} == 0) > 0',
      TargetsMissing: 'absent(up{job="orders",instance="nowhere"})',
    };
    // Only the tests of these alerts (and TargetDown's, which the share sets off): the SLOs' are slow.
    const mine = (key: string) => key in replaced || key === 'TargetDown';
    const rules = { ...all, alerts: all.alerts.filter((a) => mine(a.key)) };
    const testFile = writeRules(dir, rules);
    const broken = {
      ...rules,
      alerts: rules.alerts.map((a) =>
        replaced[a.key] ? { ...a, rule: { ...a.rule, expr: replaced[a.key] } } : a,
      ),
    };
    writeFileSync(join(dir, 'rules', 'orders.yml'), renderRuleFile(ruleFileOf(broken)));
    const test = await runTool('promtool', ['test', 'rules', testFile]);
    const output = test.stdout + test.stderr;
    expect(test.code).not.toBe(0);
    for (const name of [
      'orders HighErrorRate stays silent at low traffic',
      'orders TargetDown fires',
      'orders TargetsMissing stays silent',
    ])
      expect(output).toContain(name);
  });

  it('drops the share page test when the warning it expects changes its for', () => {
    const rules = buildServiceRules(
      defineService({ ...orders, alerts: { overrides: { TargetDown: { for: '5m' } } } }),
    );
    const share = rules.alerts.find((a) => a.key === 'TargetDown:share')!;
    expect(share.tests).toBeUndefined();
    expect(share.untestedReason).toBe(
      'its test also expects TargetDown, whose for or annotations are overridden',
    );
  });

  it('derives CPU and memory thresholds from declared limits, and says so', () => {
    const byKey = new Map(buildServiceRules(limited).alerts.map((a) => [a.key, a]));
    const cpu = byKey.get('HighCpuUsage')!;
    const memory = byKey.get('HighMemoryUsage')!;
    expect(cpu.rule.expr).toBe(`service_instance:cpu_usage_cores:rate5m{service="limited"} > ${1 * 0.8}`);
    expect(cpu.rule.annotations.description).toContain(
      'above 0.8 cores (80% of the 1 core limit) for 15 minutes.',
    );
    expect(memory.rule.expr).toBe(
      `service_instance:memory_resident_bytes{service="limited"} > ${Math.round(1024 ** 3 * 0.75)}`,
    );
    expect(memory.rule.annotations.description).toContain('above 768MiB (75% of the 1GiB limit)');
    // Without limits, the absolute defaults stay.
    const plain = new Map(buildServiceRules(orders).alerts.map((a) => [a.key, a]));
    expect(plain.get('HighCpuUsage')!.rule.expr).toMatch(/ > 0\.8$/);
    expect(plain.get('HighMemoryUsage')!.rule.expr).toMatch(new RegExp(` > ${512 * 1024 ** 2}$`));
    expect(plain.get('HighMemoryUsage')!.rule.annotations.description).not.toContain('limit');
  });

  it('applies overrides by key: threshold, for, severity, labels, disabled', () => {
    const rules = buildServiceRules(tuned);
    const byKey = new Map(rules.alerts.map((a) => [a.key, a]));
    expect(byKey.has('HighCpuUsage')).toBe(false);
    expect(byKey.has('SloBurn:strict:ticket')).toBe(false);
    const latency = byKey.get('HighLatency')!;
    expect(latency.rule.expr).toBe('service:latency_seconds:p99_rate5m{service="payments"} > 2');
    expect(latency.rule.for).toBe('20m');
    expect(latency.rule.labels).toEqual({
      service: 'payments',
      severity: 'critical',
      team: 'money',
      tier: 'one',
    });
    expect(byKey.get('HighMemoryUsage')!.rule.labels.page).toBe('no');
    // The strict page's scenarios set off no ticket, so its tests hold with the ticket disabled.
    expect(byKey.get('SloBurn:strict:page')!.tests).toBeDefined();
    expect(byKey.get('PaymentsQueueStuck')!.untestedReason).toBe('it is a custom alert');
  });

  it('writes the effective for and threshold into descriptions, and promtool holds the tests to them', async () => {
    const overridden = defineService({
      ...orders,
      alerts: {
        overrides: {
          TargetDown: { for: '15m' },
          HighErrorRate: { threshold: 0.1, for: '1h30m' },
          HighLatency: { threshold: 2 },
          HighMemoryUsage: { for: '20m' },
        },
      },
    });
    const rules = buildServiceRules(overridden);
    const byKey = new Map(rules.alerts.map((a) => [a.key, a]));
    expect(byKey.get('TargetDown')!.rule.annotations.description).toContain('for 15 minutes.');
    expect(byKey.get('TargetDown')!.tests!.fires.annotations.description).toContain('for 15 minutes.');
    const errors = byKey.get('HighErrorRate')!;
    expect(errors.rule.annotations.description).toMatch(/^More than 10% of .* for 1 hour 30 minutes\.$/);
    expect(errors.tests!.fires.annotations.description).toBe(errors.rule.annotations.description);
    expect(byKey.get('HighLatency')!.rule.annotations.description).toContain('above 2s for 10 minutes.');
    expect(byKey.get('HighMemoryUsage')!.rule.annotations.description).toContain('for 20 minutes.');
    const dir = mkdtempSync(join(tmpdir(), 'promstack-effective-'));
    const test = await runTool('promtool', ['test', 'rules', writeRules(dir, rules)]);
    expect(test.stdout + test.stderr).toContain('SUCCESS');
    expect(test.code).toBe(0);
  });

  it('drops generated tests for an alert whose expression is replaced, and says why', () => {
    const [alert] = applyOverrides(buildServiceRulesGenerated(), {
      TargetDown: { expr: 'absent(up{job="x"})' },
    });
    expect(alert.rule.expr).toBe('absent(up{job="x"})');
    expect(alert.tests).toBeUndefined();
    expect(alert.untestedReason).toBe('its expression is overridden');
  });

  it('proves the stack health alerts with promtool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-health-'));
    const rules: BuiltRules = {
      groupPrefix: 'promstack-stack',
      recording: [],
      alerts: applyOverrides(stackHealthAlerts('platform')),
    };
    const testFile = writeRules(dir, rules);
    const test = await runTool('promtool', ['test', 'rules', testFile]);
    expect(test.stdout + test.stderr).toContain('SUCCESS');
    expect(test.code).toBe(0);
  });

  it('fails the generated tests when an alert is broken (the tests can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-broken-'));
    const rules = buildServiceRules(orders);
    const testFile = writeRules(dir, rules);
    // Break the rule file behind the tests: a threshold far above what the firing scenario reaches.
    const broken = {
      ...rules,
      alerts: rules.alerts.map((a) =>
        a.key === 'HighErrorRate'
          ? { ...a, rule: { ...a.rule, expr: a.rule.expr.replace('> 0.05', '> 0.9') } }
          : a,
      ),
    };
    writeFileSync(join(dir, 'rules', 'orders.yml'), renderRuleFile(ruleFileOf(broken)));
    const test = await runTool('promtool', ['test', 'rules', testFile]);
    expect(test.code).not.toBe(0);
    expect(test.stdout + test.stderr).toContain('HighErrorRate');
  });
});

function buildServiceRulesGenerated() {
  return stackHealthAlerts('platform')
    .filter((a) => a.key === 'MonitoringComponentDown')
    .map((a) => ({ ...a, key: 'TargetDown' }));
}
