import { sortKeys } from '../components/model/names';
import type { BuiltAlert, BuiltRules } from './build';
import type { AlertScenario, InputSeries } from './types';

/** promtool's unit test file, in the key order promtool's docs use. */
export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTest[];
}

interface PromtoolTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
}

/**
 * promtool test cases for every alert whose tests can be derived: one where it fires with exactly the
 * expected labels and annotations, one where it stays silent, then its further cases (`fires` or
 * `stays silent` as they say). `ruleFile` is relative to the test file.
 */
export function promtoolTests(rules: BuiltRules, ruleFile: string): PromtoolTestFile | undefined {
  const byKey = new Map(rules.alerts.map((a) => [a.key, a]));
  const tests: PromtoolTest[] = [];
  for (const alert of rules.alerts) {
    if (!alert.tests) continue;
    const { fires, silent, cases = [] } = alert.tests;
    const expected = (firing: Pick<AlertScenario, 'outputLabels' | 'annotations' | 'alsoFiring'>) =>
      [
        { labels: { ...firing.outputLabels, ...alert.rule.labels }, annotations: firing.annotations },
        ...(firing.alsoFiring ?? []).map((c) => {
          const companion = byKey.get(c.key) as BuiltAlert;
          return { labels: { ...c.outputLabels, ...companion.rule.labels }, annotations: c.annotations };
        }),
      ].map((e) => ({ exp_labels: sortKeys(e.labels), exp_annotations: sortKeys(e.annotations) }));
    const test = (
      name: string,
      scenario: { series: InputSeries[]; evalTime: string },
      exp: PromtoolTest['alert_rule_test'][number]['exp_alerts'],
    ): PromtoolTest => ({
      name: `${rules.groupPrefix} ${alert.key} ${name}`,
      interval: '1m',
      input_series: scenario.series,
      alert_rule_test: [{ eval_time: scenario.evalTime, alertname: alert.rule.alert, exp_alerts: exp }],
    });
    tests.push(test('fires', fires, expected(fires)));
    if (silent) tests.push(test('stays silent', silent, []));
    for (const c of cases) tests.push(test(c.name, c, c.fires ? expected(c.fires) : []));
  }
  if (tests.length === 0) return undefined;
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}
