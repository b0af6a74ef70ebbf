/**
 * How fast an alert can possibly notify. The plain floor is the issue's: a scrape, an evaluation, the
 * rule's `for` and Alertmanager's group_wait. It holds only for rules that look at the latest sample
 * (`up == 0`). A rule over a range window also waits for the window to hold enough of the fault to
 * cross its threshold, and a rule over a recorded series waits for the recording group's evaluation
 * too; the window-aware floor adds both. All figures are seconds.
 */

/** The stack's timings, in seconds. */
export interface Clock {
  scrapeInterval: number;
  scrapeTimeout: number;
  evaluationInterval: number;
  groupWait: number;
  groupInterval: number;
}

/** The time a fault needs before the rule's expression is true, and how that was worked out. */
export interface Fill {
  seconds: number;
  how: string;
}

export interface FloorInput {
  forSeconds: number;
  /** The alert reads a series a recording rule writes (another group, evaluated on its own). */
  recorded: boolean;
  fill: Fill;
}

/** scrape interval + evaluation interval + `for` + group_wait. */
export function plainFloor(clock: Clock, forSeconds: number): number {
  return clock.scrapeInterval + clock.evaluationInterval + forSeconds + clock.groupWait;
}

/** The plain floor, plus one evaluation for a recorded series, plus the time the window needs. */
export function windowAwareFloor(clock: Clock, input: FloorInput): number {
  return (
    plainFloor(clock, input.forSeconds) + (input.recorded ? clock.evaluationInterval : 0) + input.fill.seconds
  );
}

const s = (value: number) => `${round(value)}s`;

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A hung target: the scrape under way fails only when its timeout ends. */
export function timeoutFill(clock: Clock): Fill {
  return {
    seconds: clock.scrapeTimeout,
    how: `a hung scrape fails when its timeout ends (${s(clock.scrapeTimeout)})`,
  };
}

/** How fast the two sides of a ratio grow, per second: errors and requests, CPU seconds and seconds. */
export interface Rates {
  part: number;
  whole: number;
}

/**
 * When a ratio over a window W (errors / requests, slow / all requests, CPU seconds / seconds) passes
 * `threshold` after a fault changes its rates from `before` to `during`: the window then holds D seconds
 * of fault and W - D of the time before, so it passes once
 *
 *   D = W · (T·before.whole - before.part) / ((during.part - T·during.whole) - (before.part - T·before.whole))
 *
 * With every request failing at unchanged traffic this is the issue's T·W; for CPU (whole = 1) going from
 * 0 to `burn` cores it is c / burn · W; for p99 with every request slow, 1% of W. `delay` is the time
 * before the first faulty sample exists (a request is counted when it is answered).
 */
export function windowSeconds(input: {
  threshold: number;
  window: number;
  before: Rates;
  during: Rates;
}): number {
  const { threshold: t, window, before, during } = input;
  const deficit = t * before.whole - before.part;
  if (deficit <= 0) return 0;
  const gain = during.part - t * during.whole - (before.part - t * before.whole);
  const seconds = gain > 0 ? (window * deficit) / gain : Number.POSITIVE_INFINITY;
  // Past W the window holds only the fault: if it has not crossed by then, the fault is under T.
  return seconds <= window ? seconds : Number.POSITIVE_INFINITY;
}

/**
 * The same for a window longer than the samples there are (`history` seconds of them before the
 * fault): nothing leaves it, the fault only adds, so it passes once
 * (before.part·H + during.part·D) / (before.whole·H + during.whole·D) > T. Once history and fault fill
 * the whole window, it slides as above.
 */
export function growingWindowSeconds(input: {
  threshold: number;
  window: number;
  history: number;
  before: Rates;
  during: Rates;
}): number {
  const { threshold: t, window, history, before, during } = input;
  if (history >= window) return windowSeconds(input);
  const deficit = history * (t * before.whole - before.part);
  if (deficit <= 0) return 0;
  const gain = during.part - t * during.whole;
  const seconds = gain > 0 ? deficit / gain : Number.POSITIVE_INFINITY;
  return history + seconds <= window ? seconds : windowSeconds(input);
}

const rates = (r: Rates, unit = '') => `${round(r.part, 3)}/${round(r.whole, 3)}${unit ? ` ${unit}` : ''}`;

export function windowFill(input: {
  what: string;
  threshold: number;
  window: number;
  before: Rates;
  during: Rates;
  /** How the rates read, e.g. "errors/requests per second". */
  unit: string;
  /** Seconds before the fault shows in the samples at all, and why. */
  delay?: number;
  delayWhy?: string;
}): Fill {
  const delay = input.delay ?? 0;
  const crossing = windowSeconds(input);
  const how =
    `${input.what} over ${s(input.window)} passes ${round(input.threshold, 6)} going from ${rates(input.before, input.unit)} ` +
    `to ${rates(input.during, input.unit)}`;
  if (!Number.isFinite(crossing)) return { seconds: crossing, how: `${how}: never` };
  return {
    seconds: crossing + delay,
    how:
      `${how}: after ${s(crossing)}` +
      (delay > 0 ? ` + ${s(delay)} ${input.delayWhy ?? 'until the first faulty answer'}` : ''),
  };
}

/** One multi-window condition of a burn-rate alert: the error ratio above factor × budget in every window. */
export interface BurnCondition {
  factor: number;
  windows: number[];
}

/**
 * Time until some condition of a burn-rate alert holds: each window is a ratio window at the threshold
 * factor × budget (growingWindowSeconds: the TSDB holds `history` seconds of clean traffic); a condition
 * holds when its slowest window does, the alert when its first condition does.
 */
export function burnSeconds(
  conditions: readonly BurnCondition[],
  budget: number,
  rates: { before: Rates; during: Rates },
  history: number,
): number {
  return Math.min(
    ...conditions.map((c) =>
      Math.max(
        ...c.windows.map((w) =>
          growingWindowSeconds({ threshold: c.factor * budget, window: w, history, ...rates }),
        ),
      ),
    ),
  );
}

export function burnFill(input: {
  conditions: readonly BurnCondition[];
  budget: number;
  before: Rates;
  during: Rates;
  history: number;
  delay?: number;
}): Fill {
  const delay = input.delay ?? 0;
  const crossing = burnSeconds(input.conditions, input.budget, input, input.history);
  const conditions = input.conditions
    .map((c) => `${c.factor}x over ${c.windows.map((w) => s(w)).join('/')}`)
    .join(' or ');
  return {
    seconds: crossing + delay,
    how:
      `first of ${conditions} (budget ${input.budget}), errors/requests per second going from ` +
      `${rates(input.before)} to ${rates(input.during)} after ${s(input.history)} of clean history: ` +
      `${s(crossing)}` +
      (delay > 0 ? ` + ${s(delay)} until the first faulty answer` : ''),
  };
}

/** A burn of every request at unchanged traffic. */
const FULL_BURN: { before: Rates; during: Rates } = {
  before: { part: 0, whole: 1 },
  during: { part: 1, whole: 1 },
};

/**
 * The clean history an SLO's windows must hold so that a burn at `rates` pages `margin` times sooner
 * than it opens a ticket: on an empty TSDB every window holds the same few minutes and the ticket's
 * lower factors cross first, the reverse of a stack that has run for a while. The shortest such history
 * in whole seconds, or undefined when no history does it.
 */
export function historyForPageFirst(
  page: readonly BurnCondition[],
  ticket: readonly BurnCondition[],
  budget: number,
  margin: number,
  rates: { before: Rates; during: Rates } = FULL_BURN,
): number | undefined {
  const longest = Math.max(...[...page, ...ticket].flatMap((c) => c.windows));
  for (let history = 1; history <= longest; history++) {
    if (burnSeconds(ticket, budget, rates, history) >= margin * burnSeconds(page, budget, rates, history))
      return history;
  }
  return undefined;
}

/**
 * The retry storm of a fast burn: the fewest extra requests per second, every one failing, that bring
 * a burn alert's conditions to hold within `seconds` of the fault, on windows full of `healthy`
 * traffic; `max` when even that many do not. Every /api request fails during the burn (`apiPerSecond`
 * of the healthy traffic), the rest of the traffic goes on as before.
 */
export function stormPerSecond(input: {
  conditions: readonly BurnCondition[];
  budget: number;
  healthy: Rates;
  apiPerSecond: number;
  seconds: number;
  max: number;
}): number {
  const { conditions, budget, healthy, apiPerSecond } = input;
  const history = Math.max(...conditions.flatMap((c) => c.windows));
  const crossing = (extra: number) =>
    burnSeconds(
      conditions,
      budget,
      { before: healthy, during: stormRates(healthy, apiPerSecond, extra) },
      history,
    );
  if (crossing(input.max) > input.seconds) return input.max;
  let [low, high] = [0, input.max];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (crossing(mid) <= input.seconds) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Errors and requests per second while every /api request fails and `extra` more arrive, all failing. */
export function stormRates(healthy: Rates, apiPerSecond: number, extra: number): Rates {
  const whole = healthy.whole + extra;
  return { part: Math.min(whole, healthy.part + apiPerSecond + extra), whole };
}
