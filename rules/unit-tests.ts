import { sortKeys } from '../components/model/names';
import type { BuiltAlert, BuiltRules } from './build';

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
 * expected labels and annotations, one where it stays silent. `ruleFile` is relative to the test file.
 */
export function promtoolTests(rules: BuiltRules, ruleFile: string): PromtoolTestFile | undefined {
  const byKey = new Map(rules.alerts.map((a) => [a.key, a]));
  const tests: PromtoolTest[] = [];
  for (const alert of rules.alerts) {
    if (!alert.tests) continue;
    const { fires, silent } = alert.tests;
    const expected = [
      { labels: { ...fires.outputLabels, ...alert.rule.labels }, annotations: fires.annotations },
      ...(fires.alsoFiring ?? []).map((c) => {
        const companion = byKey.get(c.key) as BuiltAlert;
        return { labels: { ...c.outputLabels, ...companion.rule.labels }, annotations: c.annotations };
      }),
    ];
    tests.push({
      name: `${rules.groupPrefix} ${alert.key} fires`,
      interval: '1m',
      input_series: fires.series,
      alert_rule_test: [
        {
          eval_time: fires.evalTime,
          alertname: alert.rule.alert,
          exp_alerts: expected.map((e) => ({
            exp_labels: sortKeys(e.labels),
            exp_annotations: sortKeys(e.annotations),
          })),
        },
      ],
    });
    if (silent) {
      tests.push({
        name: `${rules.groupPrefix} ${alert.key} stays silent`,
        interval: '1m',
        input_series: silent.series,
        alert_rule_test: [{ eval_time: silent.evalTime, alertname: alert.rule.alert, exp_alerts: [] }],
      });
    }
  }
  if (tests.length === 0) return undefined;
  return { rule_files: [ruleFile], evaluation_interval: '1m', tests };
}
