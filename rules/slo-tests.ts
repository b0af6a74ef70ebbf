import {
  ruleNumber,
  type BurnCondition,
  type BurnKind,
  type SloWindows,
} from '../components/service/slo-conventions';

/**
 * The promtool scenarios that pin an SLO burn alert's thresholds. For each condition (quick and slow):
 *
 * - a burn 1% above its factor over both its windows fires;
 * - a burn 1% below it stays silent;
 * - a burn that keeps the long window a quarter above the factor but stopped one short window before
 *   the evaluation stays silent: the short window gates the alert.
 *
 * Each scenario isolates its condition: every other condition, of the alert and of its twin of the other
 * severity (same alert name), stays below its factor. A model of what Prometheus computes
 * (`windowRatios`) picks the cheapest scenario that does so: a young stack whose windows all hold the
 * burn alone where the other factors allow it, else the burn over the whole long window after a clean
 * history of heavier traffic that dilutes the other conditions' longer windows (with even traffic, 3x
 * over 1d is 1x over 3d: ticket quick could never fire alone).
 */

/** How far above and below a factor the pinning burns are: 1%, so 13.44x and 14.4x tell apart. */
export const PIN_MARGIN = 0.01;
/** The long window's burn when the short window gates: a quarter above the factor. */
const GATED_BURN = 1.25;
/** Requests a minute in the scenarios; the clean history before them runs at HISTORY_TRAFFIC times it. */
const TRAFFIC = 1000;
const HISTORY_TRAFFIC = 100;

/** A stretch of one-minute steps: `perMinute` requests each, `errorShare` of them failing. */
export interface TrafficPhase {
  minutes: number;
  perMinute: number;
  errorShare: number;
}

/**
 * The two counters of a scenario, sample by sample (index = minute), and their promtool notation, with
 * their sum (a histogram's `_count` when the successes are its bucket at the threshold).
 */
interface Expanded {
  errors: number[];
  successes: number[];
  errorsText: string;
  successesText: string;
  totalText: string;
}

/**
 * The counters as promtool expands `start+step×n` (adding the step in float64, as JavaScript does), so
 * that the model reads the very values Prometheus will, and a segment never starts below the previous
 * one's end (a counter reset). Counters start at twice the scenario's count rather than 0: rate() stops
 * extrapolating at a counter's zero point, so an error counter rising from 0 inside a window would read
 * up to 20% low over 5m while the request counter does not.
 */
function expand(phases: readonly TrafficPhase[]): Expanded {
  const steps = phases.map((p) => {
    const errors = ruleNumber(p.perMinute * p.errorShare);
    return { errors, successes: ruleNumber(p.perMinute - errors), minutes: p.minutes };
  });
  const counter = (of: (s: (typeof steps)[number]) => number, first?: number) => {
    const start = first ?? Math.ceil(2 * steps.reduce((sum, s) => sum + of(s) * s.minutes, 0)) + 1;
    const values = [start];
    const text = [String(start)];
    for (const s of steps) {
      const step = of(s);
      let value = roundUp(values[values.length - 1] + step);
      text.push(`${value}+${step}x${s.minutes - 1}`);
      for (let i = 0; i < s.minutes; i++) {
        values.push(value);
        value += step;
      }
    }
    return { values, text: text.join(' ') };
  };
  const errors = counter((s) => s.errors);
  const successes = counter((s) => s.successes);
  // Never below the successes (a bucket above its _count): it starts at their sum and steps by both.
  const total = counter((s) => ruleNumber(s.errors + s.successes), errors.values[0] + successes.values[0]);
  return {
    errors: errors.values,
    successes: successes.values,
    errorsText: errors.text,
    successesText: successes.text,
    totalText: total.text,
  };
}

/** 12 significant digits, never below `value`: a readable segment start that is no counter reset. */
function roundUp(value: number): number {
  const rounded = ruleNumber(value);
  if (rounded >= value) return rounded;
  const unit = 10 ** (Math.floor(Math.log10(value)) - 11);
  return ruleNumber(rounded + unit);
}

/**
 * The error ratio over `windowMs` at minute `at`, as the SLI's rate()s give it: the samples in
 * (at - window, at], at least two. Both counters share their timestamps and never extrapolate to their
 * zero point, so extrapolation cancels out of the ratio.
 */
function windowRatio(c: Expanded, at: number, windowMs: number): number | undefined {
  const first = Math.max(0, Math.floor((at * 60e3 - windowMs) / 60e3) + 1);
  if (at - first < 1) return undefined;
  const errors = c.errors[at] - c.errors[first];
  const total = errors + c.successes[at] - c.successes[first];
  return total > 0 ? errors / total : undefined;
}

export const conditionName = (c: BurnCondition): string => `${c.kind} ${c.speed}`;

/** The conditions whose short and long windows are both above factor × budget at minute `at`. */
export function holdingConditions(
  phases: readonly TrafficPhase[],
  at: number,
  conditions: readonly BurnCondition[],
  budget: number,
): string[] {
  return holdingAt(expand(phases), at, conditions, budget);
}

function holdingAt(c: Expanded, at: number, conditions: readonly BurnCondition[], budget: number): string[] {
  return conditions
    .filter((cond) => {
      const threshold = ruleNumber(cond.factor) * budget;
      return [cond.shortMs, cond.longMs].every((w) => (windowRatio(c, at, w) ?? 0) > threshold);
    })
    .map(conditionName);
}

/** A scenario for one condition: its traffic, the minute to evaluate, and whether the alert fires then. */
export interface BurnScenario {
  name: string;
  phases: TrafficPhase[];
  evalMinute: number;
  fires: boolean;
  /** The failing, succeeding and all requests' counters in promtool's notation, one segment per phase. */
  values: TrafficValues;
}

export interface TrafficValues {
  failing: string;
  succeeding: string;
  total: string;
}

/** The counters of a traffic in promtool's notation. */
export function trafficValues(phases: readonly TrafficPhase[]): TrafficValues {
  const { errorsText, successesText, totalText } = expand(phases);
  return { failing: errorsText, succeeding: successesText, total: totalText };
}

const x = (value: number) => `${Number(value.toPrecision(4))}x`;
const totalMinutes = (phases: readonly TrafficPhase[]) => phases.reduce((sum, p) => sum + p.minutes, 0);

/** A candidate traffic for a scenario, and what the tested condition's windows must read at its end. */
interface Candidate {
  phases: TrafficPhase[];
  premise: (short: number, long: number) => boolean;
}

/** A candidate by its length, built when tried; `refine` lists a family's candidates below a length. */
interface Lazy {
  minutes: number;
  make: () => Candidate;
  refine?: (bound: number) => Lazy[];
}

const minutesOf = (ms: number) => Math.ceil(ms / 60e3);
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(a, b);

/**
 * The three scenarios of one condition, each the shortest candidate traffic (promtool evaluates every
 * rule of the file every minute up to the evaluation, so minutes are what the tests cost) that reads as
 * intended and isolates the condition. The candidates:
 *
 * - a young stack: the burn alone, so every window longer than the short one reads it whole;
 * - a young stack whose older traffic evens its longest window out: an earlier, stronger burn, then a
 *   clean stretch of heavier traffic that dilutes the other conditions' shorter windows (ticket quick:
 *   its 1d window reads the burn while ticket slow's 6h window stays below 1x);
 * - the burn over the whole long window after a clean history of heavier traffic;
 * - for the gated scenario, a burn followed by a clean stretch as long as this or a longer short window.
 *
 * A `for` override extends a scenario's last stretch; the isolation is checked for extensions up to
 * the condition's short window.
 */
export function pinningScenarios(
  condition: BurnCondition,
  windows: SloWindows,
  budget: number,
): BurnScenario[] {
  const all = [...windows.page, ...windows.ticket];
  const threshold = ruleNumber(condition.factor) * budget;
  const longMinutes = minutesOf(condition.longMs);
  const shortMinutes = minutesOf(condition.shortMs);
  const longest = Math.max(...all.map((c) => minutesOf(c.longMs)));
  const step = Math.max(1, Math.ceil(longest / 480));
  const stepsUpTo = (limit: number) =>
    Array.from({ length: Math.floor(limit / step) }, (_, i) => (i + 1) * step);
  const phase = (minutes: number, share: number, traffic = 1): TrafficPhase => ({
    minutes,
    perMinute: TRAFFIC * traffic,
    errorShare: share,
  });
  const history = (minutes: number, traffic: number): TrafficPhase[] =>
    minutes > 0 ? [phase(minutes, 0, traffic)] : [];
  const label = `${condition.speed} ${x(ruleNumber(condition.factor))} over ${condition.long}/${condition.short}`;

  // Each family lists its candidates lazily, by length: the search builds only those it tries.
  const steady = (share: number, premise: Candidate['premise']): Lazy[] => {
    const tail = () => phase(shortMinutes + 1, share);
    const candidates: Lazy[] = [{ minutes: shortMinutes + 1, make: () => ({ phases: [tail()], premise }) }];
    for (const h of [0, ...stepsUpTo(longest)]) {
      candidates.push({
        minutes: h + longMinutes + 1,
        make: () => ({ phases: [...history(h, HISTORY_TRAFFIC), phase(longMinutes + 1, share)], premise }),
      });
    }
    // Young: an older burn, a heavier clean stretch and the burn, all inside the long window, which
    // reads `share`; the shorter windows of other conditions read the clean stretch and the burn.
    // Useless when another condition's windows both cover the young stack and its factor is lower.
    const covered = all.some(
      (c) => c !== condition && c.shortMs >= condition.longMs && ruleNumber(c.factor) * budget < share,
    );
    const grid = Math.max(1, Math.ceil(longMinutes / 48));
    const gridUpTo = (limit: number) =>
      Array.from({ length: Math.floor(limit / grid) }, (_, i) => (i + 1) * grid);
    const evened = (bound: number): Lazy[] => {
      const more: Lazy[] = [];
      if (covered) return more;
      for (const traffic of [2, 10, HISTORY_TRAFFIC]) {
        for (const clean of gridUpTo(Math.min(bound, longMinutes))) {
          for (const older of gridUpTo(Math.min(bound, longMinutes) - clean - shortMinutes - 2)) {
            const olderShare = (share * (older + traffic * clean)) / older;
            if (olderShare > 1) continue;
            more.push({
              minutes: older + clean + shortMinutes + 1,
              make: () => ({
                phases: [phase(older, olderShare), ...history(clean, traffic), tail()],
                premise,
              }),
            });
          }
        }
      }
      return more;
    };
    return [...candidates, { minutes: 0, make: () => ({ phases: [], premise }), refine: evened }];
  };

  const gatedPremise = (s: number, l: number) => s === 0 && l > threshold * 1.1;
  const gated = (minutes: number, phases: (share: number) => TrafficPhase[], share: number): Lazy[] =>
    share > 1 ? [] : [{ minutes, make: () => ({ phases: phases(share), premise: gatedPremise }) }];
  const gatedCandidates: Lazy[] = [];
  // Young: a burn, then clean for this condition's short window or a longer one (other conditions').
  const cleans = [...new Set(all.map((c) => minutesOf(c.shortMs) + 1))].filter((c) => c > shortMinutes);
  for (const clean of cleans) {
    for (const burning of [Math.ceil(clean / 4), Math.ceil(clean / 2), clean]) {
      if (burning + clean >= longMinutes) continue;
      const share = (threshold * GATED_BURN * (burning + clean)) / burning;
      gatedCandidates.push(...gated(burning + clean, (s) => [phase(burning, s), phase(clean, 0)], share));
    }
  }
  // Over the whole long window after a heavier clean history.
  const clean = shortMinutes + 1;
  const burning = longMinutes + 1 - clean;
  for (const h of [0, ...stepsUpTo(longest)]) {
    const share = (threshold * GATED_BURN * (burning + clean)) / burning;
    gatedCandidates.push(
      ...gated(
        h + longMinutes + 1,
        (s) => [...history(h, HISTORY_TRAFFIC), phase(burning, s), phase(clean, 0)],
        share,
      ),
    );
  }

  const above = threshold * (1 + PIN_MARGIN);
  const below = threshold * (1 - PIN_MARGIN);
  const reads = (share: number) => (s: number, l: number) => near(s, share) && near(l, share);
  const wanted: { name: string; candidates: Lazy[]; fires: boolean; optional?: boolean }[] = [
    {
      name: `${label}: ${x(condition.factor * (1 + PIN_MARGIN))} fires`,
      // Near the lowest objective only every request failing is above the factor.
      candidates:
        above <= 1 ? steady(above, reads(above)) : steady(1, (s, l) => s > threshold && l > threshold),
      fires: true,
    },
    {
      name: `${label}: ${x(condition.factor * (1 - PIN_MARGIN))} stays silent`,
      candidates: steady(below, reads(below)),
      fires: false,
    },
    {
      name: `${label}: above it over ${condition.long} stays silent once ${condition.short} is clean`,
      candidates: gatedCandidates,
      fires: false,
      // Near the lowest objective no burn keeps the long window above the factor around a clean short one.
      optional: true,
    },
  ];

  const scenarios: BurnScenario[] = [];
  for (const { name, candidates, fires, optional } of wanted) {
    const expected = fires ? [conditionName(condition)] : [];
    const first = (list: Lazy[]) =>
      list
        .filter((c) => !c.refine)
        .sort((a, b) => a.minutes - b.minutes)
        .map((c) => c.make())
        .find((c) => isolates(c, condition, all, budget, expected, shortMinutes));
    let chosen = first(candidates);
    // Then the candidates a family lists below the best length so far.
    const bound = chosen ? totalMinutes(chosen.phases) : Infinity;
    const shorter = first(
      candidates.flatMap((c) => c.refine?.(bound) ?? []).filter((c) => c.minutes < bound),
    );
    chosen = shorter ?? chosen;
    if (!chosen) {
      if (optional) continue;
      throw new Error(`no traffic isolates the SLO scenario "${name}"`);
    }
    scenarios.push({
      name,
      phases: chosen.phases,
      evalMinute: totalMinutes(chosen.phases),
      fires,
      values: trafficValues(chosen.phases),
    });
  }
  return scenarios;
}

/** Whether a candidate reads as its premise says and sets off exactly `expected`, now and `extension` on. */
function isolates(
  candidate: Candidate,
  condition: BurnCondition,
  all: readonly BurnCondition[],
  budget: number,
  expected: string[],
  extension: number,
): boolean {
  const end = totalMinutes(candidate.phases);
  const last = candidate.phases[candidate.phases.length - 1];
  // The extended traffic reads the same as the candidate's up to its end.
  const c = expand([...candidate.phases.slice(0, -1), { ...last, minutes: last.minutes + extension }]);
  const short = windowRatio(c, end, condition.shortMs);
  const long = windowRatio(c, end, condition.longMs);
  if (short === undefined || long === undefined || !candidate.premise(short, long)) return false;
  for (let more = 0; more <= extension; more++) {
    const holding = holdingAt(c, end + more, all, budget);
    if (holding.length !== expected.length || holding.some((name, i) => name !== expected[i])) return false;
  }
  return true;
}

const memo = new Map<string, BurnScenario[]>();

/**
 * The scenarios of a page or ticket alert: its quick condition's, then its slow condition's. They depend
 * on the period and the budget only, so a catalogue of services shares them, series values included.
 */
export function burnScenarios(kind: BurnKind, windows: SloWindows, budget: number): BurnScenario[] {
  const key = `${kind} ${windows.period} ${budget}`;
  let scenarios = memo.get(key);
  if (!scenarios) {
    scenarios = windows[kind].flatMap((condition) => pinningScenarios(condition, windows, budget));
    memo.set(key, scenarios);
  }
  return scenarios;
}

/**
 * The scenarios of an SLO whose SLI promstack cannot feed (events: queries over metrics of any shape):
 * the recorded error ratios are fed instead, one constant series per window, so each scenario pins its
 * condition's factor and windows directly. Only the tested condition's two windows carry a ratio, so no
 * other condition, of this alert or its twin, can hold.
 */
export interface RecordedScenario {
  name: string;
  /** The ratio of each window the scenario feeds, by window name. */
  ratios: Record<string, number>;
  evalMinute: number;
  fires: boolean;
}

/** Minutes each recorded ratio is held: promtool evaluates at the second sample on. */
export const RECORDED_MINUTES = 2;

export function recordedScenarios(kind: BurnKind, windows: SloWindows, budget: number): RecordedScenario[] {
  return windows[kind].flatMap((c) => {
    const threshold = ruleNumber(c.factor) * budget;
    const label = `${c.speed} ${x(ruleNumber(c.factor))} over ${c.long}/${c.short}`;
    const at = (share: number) => Math.min(1, threshold * share);
    return [
      {
        name: `${label}: ${x(c.factor * (1 + PIN_MARGIN))} fires`,
        ratios: { [c.short]: at(1 + PIN_MARGIN), [c.long]: at(1 + PIN_MARGIN) },
        evalMinute: RECORDED_MINUTES,
        fires: true,
      },
      {
        name: `${label}: ${x(c.factor * (1 - PIN_MARGIN))} stays silent`,
        ratios: { [c.short]: at(1 - PIN_MARGIN), [c.long]: at(1 - PIN_MARGIN) },
        evalMinute: RECORDED_MINUTES,
        fires: false,
      },
      {
        name: `${label}: above it over ${c.long} stays silent once ${c.short} is clean`,
        ratios: { [c.short]: 0, [c.long]: at(GATED_BURN) },
        evalMinute: RECORDED_MINUTES,
        fires: false,
      },
    ];
  });
}

/**
 * The budget-exhausted alert's scenarios: a young stack whose error ratio sits 1% above the budget
 * (the period's average too, so the remaining budget is -1%) fires, 1% below stays silent.
 */
export function exhaustionScenarios(
  budget: number,
): { name: string; phases: TrafficPhase[]; fires: boolean }[] {
  const steady = (share: number): TrafficPhase[] => [{ minutes: 10, perMinute: TRAFFIC, errorShare: share }];
  return [
    {
      name: `${x(1 + PIN_MARGIN)} the budget over the period fires`,
      phases: steady(Math.min(1, budget * (1 + PIN_MARGIN))),
      fires: true,
    },
    {
      name: `${x(1 - PIN_MARGIN)} the budget over the period stays silent`,
      phases: steady(budget * (1 - PIN_MARGIN)),
      fires: false,
    },
  ];
}
