import { sloWindows } from '../../service/slo-conventions';
import { scaleDuration } from '../../stack/time-scale';
import { seconds } from './config';
import {
  burnFill,
  burnSeconds,
  historyForPageFirst,
  stormPerSecond,
  stormRates,
  plainFloor,
  timeoutFill,
  windowAwareFloor,
  windowFill,
  windowSeconds,
  type BurnCondition,
  type Clock,
} from './floors';

/** The dev stack on the drill's 15x clock, and on the real one. */
const DRILL: Clock = {
  scrapeInterval: 1,
  scrapeTimeout: 1,
  evaluationInterval: 1,
  groupWait: 1,
  groupInterval: 20,
};
const REAL: Clock = {
  scrapeInterval: 15,
  scrapeTimeout: 10,
  evaluationInterval: 15,
  groupWait: 10,
  groupInterval: 300,
};

const conditions = (kind: 'page' | 'ticket', factor: number): BurnCondition[] =>
  sloWindows('30d')[kind].map((c) => ({
    factor: c.factor,
    windows: [c.short, c.long].map((w) => seconds(scaleDuration(w, factor))),
  }));

/** Every request failing, the traffic unchanged. */
const ALL_FAIL = { before: { part: 0, whole: 3 }, during: { part: 3, whole: 3 } };

describe('the floors of an alert', () => {
  it.each([
    ['TargetDown on the drill clock', DRILL, 8, 11],
    ['TargetDown on the real clock', REAL, 120, 160],
    ['HighCpuUsage on the drill clock', DRILL, 60, 63],
  ])('%s: scrape + evaluation + for + group_wait', (_name, clock, forSeconds, floor) => {
    expect(plainFloor(clock, forSeconds)).toBe(floor);
  });

  it('adds an evaluation for a recorded series and the time the window needs', () => {
    const fill = windowFill({
      what: 'error ratio',
      threshold: 0.05,
      window: 20,
      unit: 'errors/requests',
      ...ALL_FAIL,
    });
    expect(fill.seconds).toBeCloseTo(1);
    expect(fill.how).toBe(
      'error ratio over 20s passes 0.05 going from 0/3 errors/requests to 3/3 errors/requests: after 1s',
    );
    expect(windowAwareFloor(DRILL, { forSeconds: 20, recorded: true, fill })).toBeCloseTo(25);
    expect(windowAwareFloor(DRILL, { forSeconds: 8, recorded: false, fill: timeoutFill(DRILL) })).toBe(12);
  });

  it.each([
    // The rules of thumb: every request failing crosses T over W after T·W,
    ['every request failing', { threshold: 0.05, window: 300, ...ALL_FAIL }, 15],
    // CPU averaged over W crosses c cores after c / burn · W,
    [
      'CPU from 0 to 0.9 cores',
      { threshold: 0.8, window: 20, before: { part: 0, whole: 1 }, during: { part: 0.9, whole: 1 } },
      (0.8 / 0.9) * 20,
    ],
    // p99 passes once 1% of the window's requests are slow.
    [
      'every request slow, p99',
      { threshold: 0.01, window: 300, before: { part: 0, whole: 3 }, during: { part: 3, whole: 3 } },
      3,
    ],
    // Half the requests failing: twice as long.
    [
      'half the requests failing',
      { threshold: 0.05, window: 20, before: { part: 0, whole: 3 }, during: { part: 1.5, whole: 3 } },
      2,
    ],
    // Three times the traffic, all failing: the errors outweigh the window's past sooner.
    [
      'more traffic, all failing',
      { threshold: 0.05, window: 20, before: { part: 0, whole: 3 }, during: { part: 9, whole: 9 } },
      3 / 8.7,
    ],
    // A CPU already at 0.1 cores needs less.
    [
      'CPU from 0.1 to 0.9 cores',
      { threshold: 0.8, window: 20, before: { part: 0.1, whole: 1 }, during: { part: 0.9, whole: 1 } },
      17.5,
    ],
  ])('%s crosses after the expected seconds', (_name, input, expected) => {
    expect(windowSeconds(input)).toBeCloseTo(expected);
  });

  it('never crosses when the fault stays under the threshold, and at once when already over it', () => {
    const under = {
      threshold: 0.8,
      window: 20,
      before: { part: 0, whole: 1 },
      during: { part: 0.6, whole: 1 },
    };
    expect(windowSeconds(under)).toBe(Number.POSITIVE_INFINITY);
    expect(windowFill({ what: 'CPU', unit: 'cores', ...under }).how).toContain(': never');
    expect(windowSeconds({ ...under, before: { part: 0.9, whole: 1 } })).toBe(0);
  });

  it('adds the time until the first faulty answer', () => {
    const fill = windowFill({ what: 'x', unit: 'u', threshold: 0.05, window: 20, delay: 1.5, ...ALL_FAIL });
    expect(fill.seconds).toBeCloseTo(2.5);
    expect(fill.how).toContain('+ 1.5s until the first faulty answer');
  });

  it('pages on an SLO burn when the fastest condition holds in all its windows', () => {
    const page = conditions('page', 15);
    expect(page).toEqual([
      { factor: 14.4, windows: [20, 240] },
      { factor: 6, windows: [120, 1440] },
    ]);
    // 14.4 × 0.005 of a full 240 s window.
    expect(burnSeconds(page, 0.005, ALL_FAIL, 10_000)).toBeCloseTo(0.072 * 240);
    // A short history: both long windows hold the same 100 s and only grow, and the lower factor
    // crosses first: 100 s × 3 requests/s × 0.03 errors / (3 - 0.03 × 3) errors a second.
    expect(burnSeconds(page, 0.005, ALL_FAIL, 100)).toBeCloseTo((100 * 3 * 0.03) / (3 - 0.03 * 3));
    const fill = burnFill({ conditions: page, budget: 0.005, ...ALL_FAIL, history: 10_000, delay: 1 });
    expect(fill.seconds).toBeCloseTo(0.072 * 240 + 1);
    expect(fill.how).toContain('14.4x over 20s/240s or 6x over 120s/1440s (budget 0.005)');
  });

  it('finds the history after which a fast burn pages before it opens a ticket', () => {
    const [page, ticket] = [conditions('page', 15), conditions('ticket', 15)];
    const history = historyForPageFirst(page, ticket, 0.005, 1.5)!;
    // The ticket's 1x over 3d/15 (a window longer than the history: it only grows) must take 1.5 times
    // the page's 14.4x over 1h/15: history × 0.005 / 0.995 ≥ 1.5 × 0.072 × 240.
    expect(history).toBe(Math.ceil((1.5 * 0.072 * 240 * 0.995) / 0.005));
    const ratio = (h: number) =>
      burnSeconds(ticket, 0.005, ALL_FAIL, h) / burnSeconds(page, 0.005, ALL_FAIL, h);
    expect(ratio(history)).toBeGreaterThanOrEqual(1.5);
    expect(ratio(history - 1)).toBeLessThan(1.5);
    // On an empty TSDB (a minute of history) the ticket would come first.
    expect(burnSeconds(ticket, 0.005, ALL_FAIL, 60)).toBeLessThan(burnSeconds(page, 0.005, ALL_FAIL, 60));
  });

  it('sizes the retry storm that makes a fast burn page within a given time', () => {
    const page = conditions('page', 15);
    const healthy = { part: 0, whole: 3 };
    const input = { conditions: page, budget: 0.005, healthy, apiPerSecond: 2, seconds: 0.25, max: 1000 };
    // 14.4x over the full 240 s window: 240 × 0.072 × 3 / (2 + R × (1 - 0.072)) ≤ 0.25.
    const storm = stormPerSecond(input);
    expect(storm).toBe(Math.ceil(((240 * 0.072 * 3) / 0.25 - 2) / (1 - 0.072)));
    const crossing = (extra: number) =>
      burnSeconds(page, 0.005, { before: healthy, during: stormRates(healthy, 2, extra) }, 1440);
    expect(crossing(storm)).toBeLessThanOrEqual(0.25);
    expect(crossing(storm - 1)).toBeGreaterThan(0.25);
    expect(stormPerSecond({ ...input, max: 100 })).toBe(100);
    // Unchanged traffic already fast enough: no storm.
    expect(stormPerSecond({ ...input, seconds: 60 })).toBe(0);
    expect(stormRates(healthy, 2, 10)).toEqual({ part: 12, whole: 13 });
  });

  it('finds the history for a burn under a storm, where the page gains less on the ticket', () => {
    const [page, ticket] = [conditions('page', 15), conditions('ticket', 15)];
    const healthy = { part: 0, whole: 3 };
    const storm = { before: healthy, during: stormRates(healthy, 2, 222) };
    const plain = historyForPageFirst(page, ticket, 0.005, 1.3)!;
    const stormy = historyForPageFirst(page, ticket, 0.005, 1.3, storm)!;
    expect(stormy).toBeGreaterThan(plain);
    const ratio = (h: number) => burnSeconds(ticket, 0.005, storm, h) / burnSeconds(page, 0.005, storm, h);
    expect(ratio(stormy)).toBeGreaterThanOrEqual(1.3);
    expect(ratio(stormy - 1)).toBeLessThan(1.3);
  });
});
