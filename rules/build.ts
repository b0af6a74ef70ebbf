import { parseDuration } from '../components/model/duration';
import { compareText } from '../components/model/errors';
import { inKeyOrder, sortKeys } from '../components/model/names';
import type { AlertingRuleInput, RecordingRuleInput, RuleFileInput } from '../components/model/rules';
import type { AlertOverride, ServiceDefinition } from '../components/service';
import { serviceContext } from './context';
import { redRules } from './red';
import { resourceRules } from './resources';
import { sloRules } from './slo';
import { targetAlerts } from './targets';
import type { AlertScenario, AlertTests, GeneratedAlert, GeneratedRule, InputSeries } from './types';

/** A final alert with what its tests need: the rule as rendered, and its tests if they can be derived. */
export interface BuiltAlert {
  key: string;
  rule: GeneratedRule;
  tests?: AlertTests;
  /** Why there are no generated tests (expression replaced, templated annotations overridden, custom). */
  untestedReason?: string;
}

/** The rule groups of a set of alerts and recording rules, and the data of their promtool tests. */
export interface BuiltRules {
  groupPrefix: string;
  recording: RecordingRuleInput[];
  alerts: BuiltAlert[];
}

/** Applies overrides (by key) to generated alerts: disabled ones are dropped, the rest rebuilt. */
export function applyOverrides(
  generated: readonly GeneratedAlert[],
  overrides: Partial<Record<string, AlertOverride>> = {},
): BuiltAlert[] {
  const built: BuiltAlert[] = [];
  const retimed = new Set<string>();
  for (const alert of generated) {
    const change = overrides[alert.key];
    if (change === undefined) {
      // Most alerts have no override: the rule as generated, its labels and annotations in order.
      const base = alert.rule(alert.threshold);
      const rule = { ...base, labels: inKeyOrder(base.labels), annotations: inKeyOrder(base.annotations) };
      built.push({ key: alert.key, rule, tests: alert.tests(alert.threshold), untestedReason: undefined });
      continue;
    }
    if (change.disabled) continue;
    if (change.for !== undefined || change.annotations !== undefined) retimed.add(alert.key);
    const threshold = change.threshold ?? alert.threshold;
    const base = alert.rule(threshold, change.for);
    const rule: GeneratedRule = {
      ...base,
      expr: change.expr ?? base.expr,
      for: change.for ?? base.for,
      labels: sortKeys({
        ...base.labels,
        ...change.labels,
        ...(change.severity ? { severity: change.severity } : {}),
      }),
      annotations: sortKeys({ ...base.annotations, ...change.annotations }),
    };
    const templated = Object.values(change.annotations ?? {}).some((text) => text.includes('{{'));
    const untestedReason = change.expr
      ? 'its expression is overridden'
      : templated
        ? 'its annotations are overridden with templates'
        : undefined;
    let tests: AlertTests | undefined;
    if (!untestedReason) {
      tests = alert.tests(threshold, change.for);
      // Only a changed `for` or annotations move the scenarios; the default rule is built again only then.
      if (change.for !== undefined || change.annotations !== undefined)
        tests = shiftFor(tests, alert.rule(threshold).for, rule.for, change.annotations);
    }
    built.push({ key: alert.key, rule, tests, untestedReason });
  }
  return resolveCompanions(built, retimed);
}

/**
 * Tests listing a companion alert that is gone or unpredictable cannot hold; they are dropped. So are
 * tests listing one whose `for` or annotations an override changed (the scenario states when it fires
 * and what it says by its defaults), and tests that expect an alert of the same name silent when its
 * expression is replaced.
 */
function resolveCompanions(alerts: BuiltAlert[], retimed: ReadonlySet<string>): BuiltAlert[] {
  const byKey = new Map(alerts.map((a) => [a.key, a]));
  const untested = (key: string) => !byKey.get(key)?.tests;
  return alerts.map((alert) => {
    const tests = alert.tests;
    if (!tests) return alert;
    // The first companion, of `fires` then of the cases in order, that is untested, and that is retimed.
    let missing: string | undefined;
    let changed: string | undefined;
    const cases = tests.cases ?? [];
    for (let i = -1; i < cases.length; i++) {
      for (const c of (i < 0 ? tests.fires : cases[i].fires)?.alsoFiring ?? []) {
        if (missing === undefined && untested(c.key)) missing = c.key;
        if (changed === undefined && retimed.has(c.key)) changed = c.key;
      }
    }
    const untestedReason =
      missing !== undefined
        ? `its test also expects ${missing}, which is untested`
        : changed !== undefined
          ? `its test also expects ${changed}, whose for or annotations are overridden`
          : silentUntested(tests.sameName, byKey);
    return untestedReason === undefined ? alert : { ...alert, tests: undefined, untestedReason };
  });
}

/** Why tests expecting alerts of the same name silent cannot hold: one of them is untested. */
function silentUntested(sameName: readonly string[] | undefined, byKey: ReadonlyMap<string, BuiltAlert>) {
  const unpredictable = sameName?.find((key) => byKey.has(key) && !byKey.get(key)!.tests);
  return unpredictable === undefined
    ? undefined
    : `its tests expect ${unpredictable} silent, which is untested`;
}

/** A longer `for` needs a later evaluation time and longer input series. */
function shiftFor(
  tests: AlertTests,
  defaultFor: string | undefined,
  newFor: string | undefined,
  annotations: Record<string, string> = {},
): AlertTests {
  const extraMinutes = Math.max(
    0,
    Math.ceil(((parseDuration(newFor ?? '0s') ?? 0) - (parseDuration(defaultFor ?? '0s') ?? 0)) / 60000),
  );
  const shift = <S extends { series: InputSeries[]; evalTime: string }>(scenario: S): S => ({
    ...scenario,
    evalTime: `${Math.ceil((parseDuration(scenario.evalTime) ?? 0) / 60000) + extraMinutes}m`,
    series: scenario.series.map((s) => ({ ...s, values: extendSeries(s.values, extraMinutes) })),
  });
  const fires: AlertScenario = shift(tests.fires);
  fires.annotations = sortKeys({ ...fires.annotations, ...annotations });
  const cases = tests.cases?.map((c) => {
    const shifted = shift(c);
    return shifted.fires
      ? {
          ...shifted,
          fires: {
            ...shifted.fires,
            annotations: sortKeys({ ...shifted.fires.annotations, ...annotations }),
          },
        }
      : shifted;
  });
  return {
    fires,
    silent: tests.silent ? shift(tests.silent) : undefined,
    ...(cases ? { cases } : {}),
    ...(tests.sameName ? { sameName: tests.sameName } : {}),
  };
}

/** `0+6x17` with 3 more steps is `0+6x20`. */
export function extendSeries(values: string, steps: number): string {
  if (steps === 0) return values;
  return values.replace(/x(\d+)$/, (_, n: string) => `x${Number(n) + steps}`);
}

/** Every rule of one service: targets, RED, resources, SLOs, custom alerts, with overrides applied. */
export function buildServiceRules(service: ServiceDefinition): BuiltRules {
  const ctx = serviceContext(service);
  const sets = [
    { recording: [], alerts: targetAlerts(ctx) },
    redRules(ctx),
    resourceRules(ctx),
    sloRules(ctx),
  ];
  const alerts = applyOverrides(
    sets.flatMap((set) => set.alerts),
    service.alerts?.overrides as Partial<Record<string, AlertOverride>>,
  );
  for (const [name, custom] of Object.entries(service.alerts?.custom ?? {}).sort(([a], [b]) =>
    compareText(a, b),
  )) {
    const rule: AlertingRuleInput = {
      alert: name,
      expr: custom.expr,
      for: custom.for,
      labels: sortKeys({ ...ctx.alertLabels, ...custom.labels, severity: custom.severity }),
      annotations: sortKeys({
        summary: custom.summary,
        ...(custom.description ? { description: custom.description } : {}),
      }),
    };
    alerts.push({ key: name, rule: rule as GeneratedRule, untestedReason: 'it is a custom alert' });
  }
  return { groupPrefix: service.name, recording: sets.flatMap((set) => set.recording), alerts };
}

/** The rule file of built rules: recording rules in one group (in order), alerts in another. */
export function ruleFileOf(rules: BuiltRules, evaluationInterval?: string): RuleFileInput {
  const groups: RuleFileInput['groups'] = [];
  if (rules.recording.length > 0) {
    groups.push({
      name: `${rules.groupPrefix}.recording`,
      interval: evaluationInterval,
      rules: rules.recording,
    });
  }
  if (rules.alerts.length > 0) {
    groups.push({
      name: `${rules.groupPrefix}.alerts`,
      interval: evaluationInterval,
      rules: rules.alerts.map((a) => a.rule),
    });
  }
  return { groups };
}
