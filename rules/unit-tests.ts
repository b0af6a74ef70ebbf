import type { BuiltAlert, BuiltRules } from './build';
import { inKeyOrder } from '../components/model/names';
import { mergedInOrder } from './records';
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
  // A companion that two scenarios list (TargetDown's warnings) is expected alike in both.
  const companions = new Map<object, ExpectedAlert>();
  const tests: PromtoolTest[] = [];
  for (const alert of rules.alerts) {
    if (!alert.tests) continue;
    const { fires, silent, cases = [] } = alert.tests;
    const prefix = `${rules.groupPrefix} ${alert.key} `;
    const test = (
      name: string,
      scenario: { series: InputSeries[]; evalTime: string },
      exp: ExpectedAlert[],
    ): PromtoolTest => ({
      name: prefix + name,
      interval: '1m',
      input_series: scenario.series,
      alert_rule_test: [{ eval_time: scenario.evalTime, alertname: alert.rule.alert, exp_alerts: exp }],
    });
    tests.push(test('fires', fires, expected(alert, fires, byKey, companions)));
    if (silent) tests.push(test('stays silent', silent, []));
    for (const c of cases)
      tests.push(test(c.name, c, c.fires ? expected(alert, c.fires, byKey, companions) : []));
  }
  if (tests.length === 0) return undefined;
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}

type ExpectedAlert = PromtoolTest['alert_rule_test'][number]['exp_alerts'][number];

/** The alerts a firing scenario expects: the alert's own, then its companions'; a rule's labels win. */
function expected(
  alert: BuiltAlert,
  firing: Pick<AlertScenario, 'outputLabels' | 'annotations' | 'alsoFiring'>,
  byKey: ReadonlyMap<string, BuiltAlert>,
  companions: Map<object, ExpectedAlert>,
): ExpectedAlert[] {
  const exp: ExpectedAlert[] = [
    {
      exp_labels: mergedInOrder(firing.outputLabels, alert.rule.labels),
      exp_annotations: inKeyOrder(firing.annotations),
    },
  ];
  for (const c of firing.alsoFiring ?? []) {
    let companion = companions.get(c);
    if (!companion) {
      companion = {
        exp_labels: mergedInOrder(c.outputLabels, byKey.get(c.key)!.rule.labels),
        exp_annotations: inKeyOrder(c.annotations),
      };
      companions.set(c, companion);
    }
    exp.push(companion);
  }
  return exp;
}
