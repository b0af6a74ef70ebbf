import type { AlertingRuleInput, RecordingRuleInput } from '../components/model/rules';

/** One input series of a promtool unit test, in promtool's expanding notation (`0+6x30`). */
export interface InputSeries {
  series: string;
  values: string;
}

/** A situation to evaluate: series fed in, the time to look, and the alert labels expected then. */
export interface AlertScenario {
  series: InputSeries[];
  evalTime: string;
  /** Labels the firing alert carries beyond the rule's own labels (from the expression's output). */
  outputLabels: Record<string, string>;
  /** Annotations as Prometheus renders them for this scenario. */
  annotations: Record<string, string>;
  /**
   * Other generated alerts of the same name that the scenario also sets off (an SLO page burn is also a
   * ticket burn); promtool expects every firing alert of a name, so the test lists them too.
   */
  alsoFiring?: { key: string; outputLabels: Record<string, string>; annotations: Record<string, string> }[];
}

/** The promtool cases every generated alert carries: once where it fires, once where it stays silent. */
export interface AlertTests {
  fires: AlertScenario;
  /** Absent only for alerts that fire by design whatever the input (the Watchdog). */
  silent?: Omit<AlertScenario, 'outputLabels' | 'annotations'>;
  /** More situations, each its own promtool test (an SLO alert pins every condition's factor and windows). */
  cases?: AlertCase[];
  /**
   * Other generated alerts of the same name that the scenarios expect silent unless `alsoFiring` lists
   * them (an SLO's page and ticket): with one of them replaced by an untested expression, the tests go.
   */
  sameName?: string[];
}

/** A further situation for an alert: where it fires (with what it carries) or, without `fires`, stays silent. */
export interface AlertCase {
  /** Ends the test's name: `<service> <key> <name>`. */
  name: string;
  series: InputSeries[];
  evalTime: string;
  fires?: Pick<AlertScenario, 'outputLabels' | 'annotations' | 'alsoFiring'>;
}

/** An alert a factory generates, with the key overrides use and the unit tests that prove it. */
export interface GeneratedAlert {
  key: string;
  /** The value compared against, what an override's `threshold` replaces; 0 for alerts without one. */
  threshold: number;
  /** The rule for a threshold, so that an overridden threshold changes expression and text alike. */
  /** `forDuration` is the effective `for` (an override's, else undefined for the default), so text follows it. */
  rule: (threshold: number, forDuration?: string) => GeneratedRule;
  /** The unit tests for a threshold, so that an overridden threshold keeps the alert tested. */
  tests: (threshold: number, forDuration?: string) => AlertTests;
}

export type GeneratedRule = AlertingRuleInput & {
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/** What a rule set contributes: recording rules first (evaluated in order), then alerts. */
export interface RuleSet {
  recording: RecordingRuleInput[];
  alerts: GeneratedAlert[];
}

/** Minutes as a promtool duration. */
export const minutes = (n: number): string => `${n}m`;
