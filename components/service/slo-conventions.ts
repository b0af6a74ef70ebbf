import { parseDuration } from '../model/duration';
import type { SloSpec } from './spec';

/**
 * The conventions of promstack's SLO rules, in one place: Sloth's record and label names, the alert
 * windows of each period, their burn factors and the names of the windows. Rules, dashboards, the
 * generated tests and validation all read them from here, so that a number is derived once.
 *
 * Windows and factors:
 *
 * - The SRE workbook ("Alerting on SLOs", recommended parameters) alerts on the share of the error budget
 *   an alert's long window consumes: page at 2% in 1h (short window 5m) or 5% in 6h (30m), ticket at
 *   10% in 1d (2h) or 10% in 3d (6h), for a 30-day period.
 * - A burn factor is that share times the period over the long window: the speed at which the window
 *   consumes its share (Sloth's `getBurnRateFactor`): 2% × 720h / 1h = 14.4 at 30d.
 * - Periods of Sloth's default catalogue (`internal/alert/windows/google-30d.yaml`, `google-28d.yaml`)
 *   keep the workbook's windows and shares, so their factors follow the period: 28d gives 13.44, 5.6,
 *   2.8 and 0.933.
 * - Any other period (7d) scales the workbook's windows with the period (window × period / 30d) and keeps
 *   the shares, so its factors stay 14.4, 6, 3 and 1: at 7d the page windows are 14m/1m10s and
 *   1h24m/7m, the ticket windows 5h36m/28m and 16h48m/1h24m. Every alert still fires on the same share
 *   of the budget, and no alert waits for 43% of a week's budget (the 30-day windows at 7d). A 1m10s
 *   window needs two scrapes in it: scrape a 7d SLO's service every 35s or more often.
 * - Windows are named as Sloth names them, with Prometheus's duration format (`model.Duration`): weeks
 *   and years only when whole, so 28d is `4w`, 7d `1w`, 30d `30d`, 84 minutes `1h24m`.
 */

export type SloPeriod = NonNullable<SloSpec['period']>;

/** Sloth's default period, and promstack's. */
export const DEFAULT_SLO_PERIOD: SloPeriod = '30d';

/** Sloth's recording rule names (its `pkg/common/conventions`), so Sloth's dashboards read them. */
export const SLO_RECORDS = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'sloth_slo_info',
} as const;

/** Sloth's label names. */
export const SLO_LABELS = {
  id: 'sloth_id',
  service: 'sloth_service',
  slo: 'sloth_slo',
  window: 'sloth_window',
  severity: 'sloth_severity',
} as const;

function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * One alert name per SLO, page and ticket alike, as Sloth does: its `alertName`, else from its name
 * (`availability` → `AvailabilityErrorBudgetBurn`).
 */
export function sloAlertName(slo: Pick<SloSpec, 'name' | 'alertName'>): string {
  return slo.alertName ?? `${pascalCase(slo.name)}ErrorBudgetBurn`;
}

/** The optional budget-exhausted alert of an SLO (`availability` → `AvailabilityErrorBudgetExhausted`). */
export function sloBudgetExhaustedAlertName(slo: Pick<SloSpec, 'name'>): string {
  return `${pascalCase(slo.name)}ErrorBudgetExhausted`;
}

/** Sloth's placeholder for the range in an events SLI's queries. */
export const WINDOW_PLACEHOLDER = '{{.window}}';

export type SliKind = 'availability' | 'latency' | 'events';

/** The kind of an SLO's SLI; availability when none is given. */
export function sliKind(slo: Pick<SloSpec, 'sli'>): SliKind {
  if (!slo.sli || 'availability' in slo.sli) return 'availability';
  return 'latency' in slo.sli ? 'latency' : 'events';
}

/**
 * A bucket boundary as Prometheus 3 stores it in `le`: it normalises classic histograms' boundaries to
 * floats on scrape, so the integer boundary 1 is `le="1.0"` whatever the client wrote; 0.4 stays `0.4`.
 */
export function bucketLabel(boundary: number): string {
  return Number.isInteger(boundary) ? `${boundary}.0` : String(boundary);
}

/** Avoids 1 - 0.999 = 0.0010000000000000009 in rendered rules. */
export function errorBudget(objectivePercent: number): number {
  return Number((1 - objectivePercent / 100).toPrecision(12));
}

/** A number as rendered in rules: 12 significant digits, so 5.6000000000000005 reads 5.6. */
export function ruleNumber(value: number): number {
  return Number(value.toPrecision(12));
}

const DAY_MS = 86400e3;
const MINUTE_MS = 60e3;

/**
 * Prometheus's `model.Duration.String()`, which Sloth names windows with: years and weeks only when they
 * divide the duration, then days, hours, minutes, seconds, milliseconds.
 */
export function prometheusDurationName(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`not a whole, positive duration: ${ms}`);
  let rest = ms;
  let text = '';
  const units: [string, number, boolean][] = [
    ['y', 365 * DAY_MS, true],
    ['w', 7 * DAY_MS, true],
    ['d', DAY_MS, false],
    ['h', 3600e3, false],
    ['m', MINUTE_MS, false],
    ['s', 1e3, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, exact] of units) {
    if (exact && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

export type BurnKind = 'page' | 'ticket';
export type BurnSpeed = 'quick' | 'slow';

/** The workbook's alerts for its 30-day period: budget share consumed over the long window. */
const WORKBOOK_PERIOD_MS = 30 * DAY_MS;
const WORKBOOK: Record<
  BurnKind,
  Record<BurnSpeed, { budgetPercent: number; short: string; long: string }>
> = {
  page: {
    quick: { budgetPercent: 2, short: '5m', long: '1h' },
    slow: { budgetPercent: 5, short: '30m', long: '6h' },
  },
  ticket: {
    quick: { budgetPercent: 10, short: '2h', long: '1d' },
    slow: { budgetPercent: 10, short: '6h', long: '3d' },
  },
};

/** Periods whose windows Sloth's default catalogue holds: the workbook's windows, unscaled. */
const SLOTH_CATALOGUE_PERIODS: readonly SloPeriod[] = ['30d', '28d'];

/** One condition of a burn alert: the error ratio above `factor` × budget over both windows. */
export interface BurnCondition {
  kind: BurnKind;
  speed: BurnSpeed;
  /** Share of the period's error budget the long window consumes at the factor, in percent. */
  budgetPercent: number;
  short: string;
  long: string;
  shortMs: number;
  longMs: number;
  /** Budget share × period / long window, unrounded (render it with `ruleNumber`). */
  factor: number;
}

/** Everything an SLO's rules need to know about its period. */
export interface SloWindows {
  period: SloPeriod;
  /** The period as a window name (`30d`, `4w`, `1w`): the period SLI's record name and `sloth_window`. */
  periodWindow: string;
  periodDays: number;
  /** Whether the windows are Sloth's catalogue's (30d, 28d) or scaled from the workbook's (others). */
  source: 'sloth-catalogue' | 'scaled-workbook';
  page: readonly [BurnCondition, BurnCondition];
  ticket: readonly [BurnCondition, BurnCondition];
  /** Every short and long window, ascending, each once: the SLI recording rules, as Sloth orders them. */
  sliWindows: string[];
  /** The page quick short window: the current burn rate and the period SLI are computed from it. */
  shortestWindow: string;
}

const cache = new Map<SloPeriod, SloWindows>();

/** The alert windows and burn factors of a period (see the module comment for the rule). */
export function sloWindows(period: SloPeriod = DEFAULT_SLO_PERIOD): SloWindows {
  const cached = cache.get(period);
  if (cached) return cached;
  const periodMs = parseDuration(period);
  if (periodMs === undefined || periodMs <= 0) throw new RangeError(`not an SLO period: ${period}`);
  const scaled = !SLOTH_CATALOGUE_PERIODS.includes(period);
  const windowMs = (workbook: string) => {
    const ms = parseDuration(workbook)!;
    return scaled ? Math.round((ms * periodMs) / WORKBOOK_PERIOD_MS / 1000) * 1000 : ms;
  };
  const condition = (kind: BurnKind, speed: BurnSpeed): BurnCondition => {
    const { budgetPercent, short, long } = WORKBOOK[kind][speed];
    const shortMs = windowMs(short);
    const longMs = windowMs(long);
    return {
      kind,
      speed,
      budgetPercent,
      short: prometheusDurationName(shortMs),
      long: prometheusDurationName(longMs),
      shortMs,
      longMs,
      // Sloth's arithmetic, in its order: percent × period hours / 100 / window hours.
      factor: (budgetPercent * (periodMs / 3600e3)) / 100 / (longMs / 3600e3),
    };
  };
  const page = [condition('page', 'quick'), condition('page', 'slow')] as const;
  const ticket = [condition('ticket', 'quick'), condition('ticket', 'slow')] as const;
  const byLength = new Map<number, string>();
  for (const c of [...page, ...ticket]) {
    byLength.set(c.shortMs, c.short);
    byLength.set(c.longMs, c.long);
  }
  const windows: SloWindows = {
    period,
    periodWindow: prometheusDurationName(periodMs),
    periodDays: periodMs / DAY_MS,
    source: scaled ? 'scaled-workbook' : 'sloth-catalogue',
    page,
    ticket,
    sliWindows: [...byLength.entries()].sort(([a], [b]) => a - b).map(([, name]) => name),
    shortestWindow: page[0].short,
  };
  cache.set(period, windows);
  return windows;
}

/**
 * The lowest objective whose alerts can all fire: a condition compares the error ratio with factor ×
 * (1 − objective), which no ratio exceeds once it reaches 1. The fastest factor sets the bound:
 * objective > 100 × (1 − 1 / factor), 93.06% for 30d and 7d (14.4x), 92.56% for 28d (13.44x).
 */
export function objectiveFloor(period: SloPeriod = DEFAULT_SLO_PERIOD): {
  percent: number;
  factor: number;
  condition: BurnCondition;
} {
  const windows = sloWindows(period);
  const condition = [...windows.page, ...windows.ticket].reduce((a, b) => (b.factor > a.factor ? b : a));
  return { percent: 100 * (1 - 1 / condition.factor), factor: condition.factor, condition };
}
