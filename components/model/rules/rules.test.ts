import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../tools/binaries';
import { ValidationError } from '../errors';
import { parseRuleFileYaml, renderRuleFile, type RuleFileInput } from './index';

const richRules = (): RuleFileInput => ({
  groups: [
    {
      name: 'checkout.recording',
      interval: '30s',
      rules: [
        {
          record: 'job:http_requests:rate5m',
          expr: 'sum by (job) (rate(http_requests_total[5m]))',
          labels: { service: 'checkout' },
        },
      ],
    },
    {
      name: 'checkout.alerts',
      limit: 100,
      rules: [
        {
          alert: 'CheckoutHighErrorRate',
          expr: `sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
  /
sum by (job) (rate(http_requests_total[5m]))
  > 0.05`,
          for: '10m',
          keep_firing_for: '5m',
          labels: { team: 'payments', severity: 'critical' },
          annotations: {
            summary: '{{ $labels.job }} answers {{ $value | humanizePercentage }} of requests with errors',
            runbook_url: 'https://runbooks.example.com/checkout/high-error-rate',
          },
        },
        {
          alert: 'CheckoutDown',
          expr: 'up{job="checkout"} == 0',
          for: '2m',
          labels: { severity: 'critical' },
        },
      ],
    },
  ],
});

async function promtoolCheckRules(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'promstack-rules-')), 'rules.yml');
  writeFileSync(file, text);
  return runTool('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', file]);
}

describe('rule files', () => {
  it('renders a rich rule file that the real promtool accepts, with long PromQL as a block', async () => {
    const text = renderRuleFile(richRules());
    expect(text).toContain(
      '        expr: |-\n          sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))\n',
    );
    expect(text).toContain('          severity: critical\n          team: payments\n');
    const result = await promtoolCheckRules(text);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('SUCCESS: 3 rules found');
    expect(result.code).toBe(0);
  });

  it('is byte-for-byte stable, and loading its own output gives the same file back', () => {
    const text = renderRuleFile(richRules());
    expect(renderRuleFile(richRules())).toBe(text);
    expect(renderRuleFile(parseRuleFileYaml(text, 'rules.yml'))).toBe(text);
  });

  it('changing one threshold is a one-line diff', () => {
    const before = renderRuleFile(richRules()).split('\n');
    const changed = richRules();
    const rule = changed.groups[1].rules[0] as { expr: string };
    rule.expr = rule.expr.replace('> 0.05', '> 0.02');
    const after = renderRuleFile(changed).split('\n');
    expect(after.length).toBe(before.length);
    expect(after.filter((line, i) => line !== before[i])).toEqual(['            > 0.02']);
  });
});

type Mutation = (file: RuleFileInput) => void;
const rule = (f: RuleFileInput, group: number, index: number) =>
  f.groups[group].rules[index] as Record<string, unknown>;

const badRules: [string, Mutation, string, RegExp][] = [
  [
    'unbalanced parenthesis',
    (f) => (rule(f, 1, 1).expr = 'sum(up{job="checkout"}) == 0)'),
    'groups[checkout.alerts].rules[CheckoutDown].expr',
    /unexpected "\)" at col 29/,
  ],
  [
    'unknown function',
    (f) => (rule(f, 1, 1).expr = 'uptime(up) == 0'),
    'groups[checkout.alerts].rules[CheckoutDown].expr',
    /unknown function "uptime" at col 1/,
  ],
  [
    'empty expression',
    (f) => (rule(f, 1, 1).expr = '  '),
    'groups[checkout.alerts].rules[CheckoutDown].expr',
    /empty expression/,
  ],
  [
    'bad for',
    (f) => (rule(f, 1, 0).for = '10 minutes'),
    'groups[checkout.alerts].rules[CheckoutHighErrorRate].for',
    /invalid duration/,
  ],
  [
    'bad keep_firing_for',
    (f) => (rule(f, 1, 0).keep_firing_for = '-5m'),
    'groups[checkout.alerts].rules[CheckoutHighErrorRate].keep_firing_for',
    /invalid duration/,
  ],
  [
    'empty alert name',
    (f) => (rule(f, 1, 1).alert = ''),
    'groups[checkout.alerts].rules[1].alert',
    /one of 'record' or 'alert' must be set/,
  ],
  [
    'record name with a selector in it',
    (f) => (rule(f, 0, 0).record = 'job:http_requests{job="x"}'),
    'groups[checkout.recording].rules[job:http_requests{job="x"}].record',
    /braces in the recording rule name/,
  ],
  [
    'empty label name',
    (f) => (rule(f, 1, 1).labels = { '': 'x' }),
    'groups[checkout.alerts].rules[CheckoutDown].labels.',
    /invalid label name ""/,
  ],
  [
    '__name__ label',
    (f) => (rule(f, 1, 1).labels = { __name__: 'x' }),
    'groups[checkout.alerts].rules[CheckoutDown].labels.__name__',
    /"__name__" is the metric name/,
  ],
  [
    'unclosed template action',
    (f) => (rule(f, 1, 0).annotations = { summary: '{{ $labels.job ' }),
    'groups[checkout.alerts].rules[CheckoutHighErrorRate].annotations.summary',
    /^template: unclosed action at col 16$/,
  ],
  [
    'unknown template function',
    (f) => (rule(f, 1, 0).annotations = { summary: '{{ $value | humanise }}' }),
    'groups[checkout.alerts].rules[CheckoutHighErrorRate].annotations.summary',
    /^template: function "humanise" not defined at col 13$/,
  ],
  [
    'broken template in an alert label',
    (f) => (rule(f, 1, 1).labels = { severity: '{{ $value ( }}' }),
    'groups[checkout.alerts].rules[CheckoutDown].labels.severity',
    /^template: unclosed left paren at col 13$/,
  ],
  [
    'typo in field',
    (f) => {
      rule(f, 1, 1).expresion = 'up';
    },
    'groups[checkout.alerts].rules[CheckoutDown]',
    /unknown field "expresion"/,
  ],
  [
    'alert and record together',
    (f) => (rule(f, 1, 1).record = 'x'),
    'groups[checkout.alerts].rules[CheckoutDown]',
    /either alert or record, not both/,
  ],
  [
    'neither alert nor record',
    (f) => (f.groups[1].rules[1] = { expr: 'up' } as never),
    'groups[checkout.alerts].rules[1]',
    /needs either alert .* or record/,
  ],
  [
    'duplicate group',
    (f) => (f.groups[1].name = 'checkout.recording'),
    'groups[checkout.recording].name',
    /duplicate group name/,
  ],
  [
    'duplicate rule',
    (f) => f.groups[1].rules.push({ ...rule(f, 1, 1) } as never),
    'groups[checkout.alerts].rules[CheckoutDown]',
    /duplicate rule/,
  ],
];

describe('names Prometheus 3.5 accepts', () => {
  it('takes alert names that are label values, UTF-8 record names and label names, and group labels', async () => {
    const text = [
      'groups:',
      '  - name: " vendored "',
      '    labels:',
      '      on-call: platform',
      '    rules:',
      '      - record: http.requests:rate5m',
      '        expr: rate({"http.requests"}[5m])',
      '      - alert: Cert-managerAbsent',
      '        expr: absent(up{job="cert-manager"})',
      '      - alert: MysqlTooManyConnections(>80%)',
      '        expr: up == 0',
      '        labels:',
      '          ünï: "1"',
      '',
    ].join('\n');
    const file = parseRuleFileYaml(text, 'vendor.yml');
    expect(file.groups[0].labels).toEqual({ 'on-call': 'platform' });
    expect(file.groups[0].rules.map((r) => ('alert' in r ? r.alert : r.record))).toEqual([
      'http.requests:rate5m',
      'Cert-managerAbsent',
      'MysqlTooManyConnections(>80%)',
    ]);
    const rendered = renderRuleFile(file);
    expect(rendered).toContain('on-call: platform');
    const result = await promtoolCheckRules(rendered);
    expect(result.stderr + result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});

describe('templates', () => {
  it('are alert annotations and labels only: group and recording rule labels are not, as for promtool', async () => {
    const text = [
      'groups:',
      '  - name: g',
      '    labels:',
      "      note: '{{ $value ( }}'",
      '    rules:',
      '      - record: job:up:sum',
      '        expr: sum by (job) (up)',
      '        labels:',
      "          note: '{{ end }}'",
      '      - alert: Down',
      '        expr: up == 0',
      '        labels:',
      "          owner: '{{ $labels.team }}'",
      '        annotations:',
      "          summary: '{{ $labels.instance }} is {{ $value | humanize }} {{ $externalLabels.site }}'",
      '',
    ].join('\n');
    expect(() => parseRuleFileYaml(text, 'templates.yml')).not.toThrow();
    const result = await promtoolCheckRules(text);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('rule file bad input', () => {
  it.each(badRules)('rejects %s at its path', (_name, mutate, path, message) => {
    const file = richRules();
    mutate(file);
    let error: unknown;
    try {
      renderRuleFile(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      path,
      message: expect.stringMatching(message),
    });
  });

  it("tells rules of one name apart by their labels, the group's merged under the rule's, as promtool does", () => {
    const issuesOf = (file: RuleFileInput): string[] => {
      try {
        renderRuleFile(file);
        return [];
      } catch (error) {
        return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
    };
    const up = { record: 'job:up:sum', expr: 'sum by (job) (up)' };
    const duplicate = 'groups[b].rules[job:up:sum]: duplicate rule job:up:sum';
    const file = (a: object, b: object): RuleFileInput => ({
      groups: [
        { name: 'a', rules: [{ ...up, ...a }] },
        { name: 'b', rules: [{ ...up, ...b }] },
      ],
    });
    expect(issuesOf(file({ labels: { x: '1', y: '2' } }, { labels: { y: '2', x: '1' } }))).toEqual([
      expect.stringContaining(duplicate),
    ]);
    expect(issuesOf(file({}, { labels: {} }))).toEqual([expect.stringContaining(duplicate)]);
    expect(issuesOf(file({ labels: { x: '1' } }, { labels: { x: '2' } }))).toEqual([]);
    expect(issuesOf(file({ labels: { x: '1' } }, { labels: { x: '1', y: '' } }))).toEqual([]);
    expect(issuesOf(file({ labels: { x: '1' } }, {}))).toEqual([]);
    const merged: RuleFileInput = {
      groups: [
        { name: 'a', labels: { x: '1' }, rules: [up, { ...up, labels: { x: '2' } }] },
        { name: 'b', labels: { x: '2' }, rules: [{ ...up, labels: { x: '1' } }] },
      ],
    };
    expect(issuesOf(merged)).toEqual([expect.stringContaining(duplicate)]);
  });

  it('names the file when loading YAML that does not parse', () => {
    expect(() => parseRuleFileYaml('groups:\n  - name: a\n   rules: []\n', 'vendor/broken.yml')).toThrow(
      /vendor\/broken\.yml: not valid YAML/,
    );
  });
});
