import { syntheticCatalogue } from '../../../bench/catalogue';
import { services } from '../../../infra/services';
import {
  applyOverrides,
  buildServiceRules,
  ruleFileOf,
  stackHealthAlerts,
  withAlertLinks,
  type BuiltRules,
} from '../../../rules';
import { ValidationError } from '../errors';
import { validRuleFileFast } from './fast-validate';
import { ruleFile, type RuleFileInput } from './schema';
import { validateRuleFile } from './validate';

/** The rule files synth validates: every repository service, a bench sample and the stack's own alerts. */
function generatedFiles(): RuleFileInput[] {
  const built: BuiltRules[] = [
    ...services.map(buildServiceRules),
    ...syntheticCatalogue(12).map(buildServiceRules),
    { groupPrefix: 'promstack-stack', recording: [], alerts: applyOverrides(stackHealthAlerts('platform')) },
  ];
  return built.map((rules) =>
    ruleFileOf(
      withAlertLinks(rules, {
        runbookBaseUrl: 'https://runbooks.example.com',
        grafanaUrl: 'https://grafana.example.com',
        dashboardUid: `svc-${rules.groupPrefix}`,
      }),
      undefined,
    ),
  );
}

/** Key order and keys holding undefined count: the rendered files and the typed result follow them. */
const exact = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));

type Mutable = { groups: ({ rules: Record<string, unknown>[] } & Record<string, unknown>)[] };

/** A deep copy made in this realm (structuredClone's objects would have another realm's prototype). */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
}

/** A generated file with one change made by `edit` to a copy. */
function mutant(base: RuleFileInput, edit: (file: Mutable) => void): unknown {
  const copy = copyOf(base) as Mutable;
  edit(copy);
  return copy;
}

describe('validRuleFileFast', () => {
  const files = generatedFiles();
  const sample = files[0];
  const alerting = (f: Mutable) => f.groups[1].rules[0] as Record<string, unknown>;
  const recording = (f: Mutable) => f.groups[0].rules[0] as Record<string, unknown>;

  it('takes every generated rule file and returns exactly what the schema returns', () => {
    expect(sample.groups.map((g) => g.name)).toEqual(['orders.recording', 'orders.alerts']);
    for (const file of files) {
      const fast = validRuleFileFast(file);
      const schema = ruleFile.safeParse(file);
      expect(schema.success).toBe(true);
      expect(fast).toBeDefined();
      expect(exact(fast)).toBe(exact(schema.data));
      expect(fast).toStrictEqual(schema.data);
    }
  });

  it('normalises expressions and sorts labels and annotations as the schema does', () => {
    const input = mutant(sample, (f) => {
      alerting(f).expr = '  up  == 0 ';
      alerting(f).labels = { z: 'b', a: '{{ $labels.job }}' };
      alerting(f).annotations = { summary: 's', description: 'd' };
      recording(f).labels = { b: '1', a: '2' };
    });
    expect(validRuleFileFast(input)).toBeDefined();
    expect(exact(validRuleFileFast(input))).toBe(exact(ruleFile.parse(input)));
  });

  it('takes an unchanged copy, so that each refusal below is the change alone', () => {
    expect(validRuleFileFast(mutant(sample, () => undefined))).toBeDefined();
  });

  // Each is a mistake the schema refuses: the fast path must refuse it too, so that the schema reports it.
  const refused: [string, (f: Mutable) => void][] = [
    ['an empty alert name', (f) => (alerting(f).alert = '')],
    ['an alert name that is not UTF-8', (f) => (alerting(f).alert = 'A\uD800')],
    ['an alert name that is a number', (f) => (alerting(f).alert = 5)],
    ['an expression that does not parse', (f) => (alerting(f).expr = 'sum(rate(x[5m])')],
    ['an empty expression', (f) => (alerting(f).expr = '  ')],
    ['a regex RE2 refuses', (f) => (alerting(f).expr = 'up{job=~"(a"} == 0')],
    ['a function Prometheus lacks', (f) => (recording(f).expr = 'rat(x[5m])')],
    ['an expression that is not text', (f) => (recording(f).expr = 3)],
    ['a duration without a unit', (f) => (alerting(f).for = '5')],
    ['a duration as a number', (f) => (alerting(f).for = 300)],
    ['a null duration', (f) => (alerting(f).for = null)],
    ['an empty label name', (f) => (alerting(f).labels = { '': 'x' })],
    ['__name__ as a label', (f) => (recording(f).labels = { __name__: 'x' })],
    ['a label value that is not UTF-8', (f) => (recording(f).labels = { a: '\uDC00' })],
    ['an alert label that is not a template', (f) => (alerting(f).labels = { a: '{{ .Foo' })],
    ['a label value that is a number', (f) => (alerting(f).labels = { a: 1 })],
    ['labels as a list', (f) => (alerting(f).labels = ['a'])],
    ['null labels', (f) => (recording(f).labels = null)],
    ['an empty annotation name', (f) => (alerting(f).annotations = { '': 'x' })],
    ['an unknown template function', (f) => (alerting(f).annotations = { summary: '{{ humanise $value }}' })],
    ['an annotation that is a number', (f) => (alerting(f).annotations = { summary: 1 })],
    ['annotations as text', (f) => (alerting(f).annotations = 'x')],
    ['braces in a record name', (f) => (recording(f).record = 'a{b="c"}')],
    ['an empty record name', (f) => (recording(f).record = '')],
    ['both alert and record', (f) => (alerting(f).record = 'a:b')],
    ['neither alert nor record', (f) => delete alerting(f).alert],
    ['an unknown rule field', (f) => (alerting(f).severity = 'critical')],
    ['a template field on a recording rule', (f) => (recording(f).annotations = { summary: 's' })],
    ['a rule that is null', (f) => (f.groups[0].rules[0] = null as never)],
    ['an empty group name', (f) => (f.groups[0].name = '')],
    ['a group interval without a unit', (f) => (f.groups[0].interval = '5')],
    ['rules that are not a list', (f) => (f.groups[0].rules = null as never)],
    ['an unknown group field', (f) => (f.groups[0].owner = 'x')],
    ['groups that are not a list', (f) => ((f as unknown as Record<string, unknown>).groups = {})],
    ['an unknown file field', (f) => ((f as unknown as Record<string, unknown>).kind = 'x')],
  ];
  it.each(refused)('refuses %s, which the schema refuses', (_name, edit) => {
    const input = mutant(sample, edit);
    expect(validRuleFileFast(input)).toBeUndefined();
    expect(ruleFile.safeParse(input).success).toBe(false);
  });

  // Valid for the schema but outside what generated files hold: left to the schema, same result.
  const deferred: [string, (f: Mutable) => void][] = [
    ['a group limit', (f) => (f.groups[0].limit = 10)],
    ['group labels', (f) => (f.groups[0].labels = { tier: 'web' })],
    ['a query offset', (f) => (f.groups[0].query_offset = '1m')],
    ['keep_firing_for', (f) => (alerting(f).keep_firing_for = '5m')],
  ];
  it.each(deferred)('leaves %s to the schema', (_name, edit) => {
    const input = mutant(sample, edit);
    expect(validRuleFileFast(input)).toBeUndefined();
    expect(exact(validateRuleFile(input))).toBe(exact(ruleFile.parse(input)));
  });

  it('leaves objects that are not object literals to the schema', () => {
    class Labels {
      team = 'x';
    }
    const withClass = mutant(sample, (f) => (alerting(f).labels = {}));
    (withClass as Mutable).groups[1].rules[0].labels = new Labels();
    expect(validRuleFileFast(withClass)).toBeUndefined();
    const withSymbol = mutant(sample, (f) => (alerting(f).labels = {}));
    (withSymbol as Mutable).groups[1].rules[0].labels = { [Symbol('s')]: 'x' };
    expect(validRuleFileFast(withSymbol)).toBeUndefined();
  });

  it('keeps validateRuleFile reporting the schema errors with their paths', () => {
    const input = mutant(sample, (f) => {
      alerting(f).for = '5';
      alerting(f).annotations = { summary: '{{ humanise $value }}' };
    });
    const issues = (() => {
      try {
        validateRuleFile(input, 'services.orders.rules');
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((i) => i.path);
      }
      return [];
    })();
    expect(issues).toEqual([
      'services.orders.rules.groups[orders.alerts].rules[TargetDown].annotations.summary',
      'services.orders.rules.groups[orders.alerts].rules[TargetDown].for',
    ]);
  });
});
