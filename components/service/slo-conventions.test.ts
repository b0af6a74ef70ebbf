import { IssueCollector } from '../model/errors';
import { defineService } from './define';
import {
  objectiveFloor,
  prometheusDurationName,
  ruleNumber,
  sloWindows,
  type BurnCondition,
  type SloPeriod,
} from './slo-conventions';
import type { SloSpec } from './spec';
import { validateServices } from './validate';

const row = (c: BurnCondition) => [c.kind, c.speed, c.long, c.short, ruleNumber(c.factor)];
const rows = (period: SloPeriod) => {
  const w = sloWindows(period);
  return [...w.page, ...w.ticket].map(row);
};

describe('SLO windows and burn factors', () => {
  it('are the SRE workbook and Sloth defaults for 30d', () => {
    expect(rows('30d')).toEqual([
      ['page', 'quick', '1h', '5m', 14.4],
      ['page', 'slow', '6h', '30m', 6],
      ['ticket', 'quick', '1d', '2h', 3],
      ['ticket', 'slow', '3d', '6h', 1],
    ]);
    const w = sloWindows('30d');
    expect([w.periodWindow, w.periodDays, w.source, w.shortestWindow]).toEqual([
      '30d',
      30,
      'sloth-catalogue',
      '5m',
    ]);
    expect(w.sliWindows).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  it("derive 28d's factors from the period as Sloth does, to the float (its out-base-28d expectations)", () => {
    const w = sloWindows('28d');
    // Sloth's generated rules print these float64 values: 13.44, 5.6000000000000005, 2.8000000000000003,
    // 0.9333333333333333; the same arithmetic in the same order gives the same doubles.
    expect([...w.page, ...w.ticket].map((c) => c.factor)).toEqual([
      13.44, 5.6000000000000005, 2.8000000000000003, 0.9333333333333333,
    ]);
    expect(rows('28d').map(([kind, speed, long, short]) => [kind, speed, long, short])).toEqual(
      rows('30d').map(([kind, speed, long, short]) => [kind, speed, long, short]),
    );
    expect([w.periodWindow, w.periodDays, w.source]).toEqual(['4w', 28, 'sloth-catalogue']);
  });

  it('scale the workbook windows to a 7d period and keep its factors', () => {
    expect(rows('7d')).toEqual([
      ['page', 'quick', '14m', '1m10s', 14.4],
      ['page', 'slow', '1h24m', '7m', 6],
      ['ticket', 'quick', '5h36m', '28m', 3],
      ['ticket', 'slow', '16h48m', '1h24m', 1],
    ]);
    const w = sloWindows('7d');
    expect([w.periodWindow, w.periodDays, w.source, w.shortestWindow]).toEqual([
      '1w',
      7,
      'scaled-workbook',
      '1m10s',
    ]);
    expect(w.sliWindows).toEqual(['1m10s', '7m', '14m', '28m', '1h24m', '5h36m', '16h48m']);
  });

  it.each(['30d', '28d', '7d'] as const)(
    'spend the workbook share of the %s budget over each long window at its factor',
    (period) => {
      const w = sloWindows(period);
      const periodHours = w.periodDays * 24;
      const shares = [...w.page, ...w.ticket].map((c) =>
        ruleNumber(((c.factor * c.longMs) / 3600e3 / periodHours) * 100),
      );
      expect(shares).toEqual([2, 5, 10, 10]);
      // Every short window is a twelfth of its long one, as in the workbook.
      for (const c of [...w.page, ...w.ticket]) expect(c.longMs / c.shortMs).toBe(12);
    },
  );

  it('names windows as Prometheus formats durations (weeks and years only when whole)', () => {
    const day = 86400e3;
    expect(
      [30 * day, 28 * day, 7 * day, 3 * day, 90 * day, 365 * day, 84 * 60e3, 70e3, 5 * 60e3, 1500].map(
        prometheusDurationName,
      ),
    ).toEqual(['30d', '4w', '1w', '3d', '90d', '1y', '1h24m', '1m10s', '5m', '1s500ms']);
  });
});

describe('the lowest objective', () => {
  it('is where the fastest factor times the error budget reaches 1', () => {
    expect(objectiveFloor('30d').percent).toBeCloseTo(93.0556, 4);
    expect(objectiveFloor('28d').percent).toBeCloseTo(92.5595, 4);
    expect(objectiveFloor('7d').percent).toBeCloseTo(93.0556, 4);
    expect(row(objectiveFloor('28d').condition)).toEqual(['page', 'quick', '1h', '5m', 13.44]);
  });

  const service = (slos: SloSpec[]) =>
    defineService({
      name: 'shop',
      team: 'web',
      scrape: { targets: { docker: ['shop:8080'] } },
      metrics: { http_requests_total: { type: 'counter', labels: ['status'] } },
      red: { requests: 'http_requests_total', errors: { label: 'status', regex: '5..' } },
      slos,
    });
  const issues = (slos: SloSpec[]) => {
    const collector = new IssueCollector();
    validateServices([service(slos)], collector);
    return collector.issues;
  };

  it('refuses an objective whose page no error ratio can reach, with the bound of its period', () => {
    expect(
      issues([
        { name: 'month', objective: 92 },
        { name: 'four-weeks', objective: 92.5, period: '28d' },
        { name: 'week', objective: 90, period: '7d' },
      ]),
    ).toEqual([
      {
        path: 'services.shop.slos[month].objective',
        message:
          'objective 92 cannot be alerted on over 30d: the page at 14.4x the error budget over 1h/5m would need 115.2% of requests failing; use an objective of 93.0556 or more (100 × (1 − 1/14.4))',
      },
      {
        path: 'services.shop.slos[four-weeks].objective',
        message:
          'objective 92.5 cannot be alerted on over 28d: the page at 13.44x the error budget over 1h/5m would need 100.8% of requests failing; use an objective of 92.5596 or more (100 × (1 − 1/13.44))',
      },
      {
        path: 'services.shop.slos[week].objective',
        message:
          'objective 90 cannot be alerted on over 7d: the page at 14.4x the error budget over 14m/1m10s would need 144% of requests failing; use an objective of 93.0556 or more (100 × (1 − 1/14.4))',
      },
    ]);
  });

  it('accepts the bound it names, and 92.6 over 28d that 30d refuses', () => {
    expect(
      issues([
        { name: 'month', objective: 93.0556 },
        { name: 'four-weeks', objective: 92.5596, period: '28d' },
        { name: 'week', objective: 93.0556, period: '7d' },
      ]),
    ).toEqual([]);
    expect(issues([{ name: 'four-weeks', objective: 92.6, period: '28d' }])).toEqual([]);
    expect(issues([{ name: 'month', objective: 92.6 }])).toHaveLength(1);
  });

  it('still refuses 100 and non-positive objectives by shape', () => {
    expect(issues([{ name: 'all', objective: 100 }]).map((i) => i.message)).toEqual([
      'objective must be below 100: a 100% objective leaves no error budget',
    ]);
    expect(issues([{ name: 'none', objective: 0 }]).map((i) => i.message)).toEqual([
      'objective is a percentage above 0 and below 100, e.g. 99.9',
    ]);
  });
});
