import { IssueCollector } from '../model/errors';
import { defineService } from './define';
import type { MetricCatalog } from './metrics';
import type { ServiceSpec, SloSpec } from './spec';
import { validateServices } from './validate';

const METRICS = {
  http_requests_total: { type: 'counter', labels: ['route', 'status'] },
  http_request_duration_seconds: { type: 'histogram', labels: ['route'], buckets: [0.1, 0.4, 1] },
  queue_wait_seconds: { type: 'histogram', labels: [] },
} as const satisfies MetricCatalog;

function issues(slos: SloSpec[], extra: Partial<ServiceSpec> = {}) {
  const collector = new IssueCollector();
  validateServices(
    [
      defineService({
        name: 'shop',
        team: 'web',
        scrape: { targets: { docker: ['shop:8080'] } },
        metrics: METRICS,
        red: {
          requests: 'http_requests_total',
          errors: { label: 'status', regex: '5..' },
          latency: 'http_request_duration_seconds',
        },
        slos,
        ...extra,
      } as ServiceSpec),
    ],
    collector,
  );
  return collector.issues;
}

describe('latency SLIs', () => {
  it('accept a bucket boundary of the declared histogram, as a number or as written in le', () => {
    expect(
      issues([
        { name: 'fast', objective: 99, sli: { latency: { le: 0.4 } } },
        {
          name: 'fast-text',
          objective: 99,
          sli: { latency: { le: '1', histogram: 'http_request_duration_seconds' } },
        },
      ]),
    ).toEqual([]);
  });

  it('refuse a threshold that is not a bucket boundary, naming the boundaries', () => {
    expect(issues([{ name: 'fast', objective: 99, sli: { latency: { le: 0.5 } } }])).toEqual([
      {
        path: 'services.shop.slos[fast].sli.latency.le',
        message:
          '0.5 is not a bucket boundary of http_request_duration_seconds: a threshold between boundaries cannot be counted; use one of 0.1, 0.4, 1',
      },
    ]);
  });

  it('require the histogram to declare its buckets, and refuse buckets elsewhere or out of order', () => {
    expect(
      issues([{ name: 'wait', objective: 99, sli: { latency: { histogram: 'queue_wait_seconds', le: 1 } } }]),
    ).toEqual([
      {
        path: 'services.shop.slos[wait].sli.latency.le',
        message:
          'queue_wait_seconds declares no buckets: add metrics.queue_wait_seconds.buckets, the boundaries its client library uses, so the threshold can be checked against them',
      },
    ]);
    const bad = issues([], {
      metrics: {
        ...METRICS,
        queue_wait_seconds: { type: 'histogram', labels: [], buckets: [1, 0.5] },
        jobs_total: { type: 'counter', labels: [], buckets: [1] },
      },
    });
    expect(bad.map((i) => [i.path, i.message])).toEqual([
      [
        'services.shop.metrics.queue_wait_seconds.buckets',
        'list the boundaries in ascending order, each once',
      ],
      ['services.shop.metrics.jobs_total.buckets', 'only a histogram has buckets'],
    ]);
  });

  it('refuse a metric that is not a histogram, and grouping by le or a label the histogram lacks', () => {
    expect(
      issues([
        { name: 'a', objective: 99, sli: { latency: { histogram: 'http_requests_total', le: 1 } } },
        { name: 'b', objective: 99, sli: { latency: { le: 1 } }, groupBy: ['le', 'status', 'route'] },
      ]).map((i) => [i.path, i.message]),
    ).toEqual([
      [
        'services.shop.slos[a].sli.latency.histogram',
        'metric http_requests_total is a counter, not a histogram',
      ],
      ['services.shop.slos[b].groupBy', 'le is the bucket boundary: it cannot group an SLI'],
      [
        'services.shop.slos[b].groupBy',
        'status is not a label of http_request_duration_seconds (labels: route)',
      ],
    ]);
  });
});

describe('events SLIs', () => {
  const events = (errors: string, total: string): SloSpec['sli'] => ({ events: { errors, total } });

  it('accept Sloth-style queries, and groupBy labels both queries keep', () => {
    expect(
      issues(
        [
          {
            name: 'jobs',
            objective: 99,
            sli: events(
              'sum by (queue) (rate(jobs_failed_total[{{.window}}]))',
              'sum by (queue) (rate(jobs_total[{{.window}}]))',
            ),
            groupBy: ['queue'],
          },
        ],
        { red: undefined },
      ),
    ).toEqual([]);
  });

  it('refuse a query without the placeholder, one that does not parse, and labels the queries drop', () => {
    expect(
      issues([
        { name: 'a', objective: 99, sli: events('sum(rate(x[5m]))', 'sum(rate(y[{{.window}}])') },
        {
          name: 'b',
          objective: 99,
          sli: events('sum(rate(x[{{.window}}]))', 'sum by (queue) (rate(y[{{.window}}]))'),
          groupBy: ['queue'],
        },
      ]).map((i) => [i.path, i.message]),
    ).toEqual([
      [
        'services.shop.slos[a].sli.events.errors',
        'write the range as {{.window}} (e.g. rate(x[{{.window}}])): each alert window fills it in',
      ],
      [
        'services.shop.slos[a].sli.events.total',
        'unexpected end of expression at col 16 (with {{.window}} as 5m)',
      ],
      [
        'services.shop.slos[b].groupBy',
        'the queries do not keep queue: aggregate them by it, e.g. sum by (queue) (…)',
      ],
    ]);
  });
});

describe('availability SLIs, names and labels', () => {
  it('need red, group by labels of the request counter but not its error label', () => {
    expect(
      issues([{ name: 'avail', objective: 99 }], { red: undefined }).map((i) => [i.path, i.message]),
    ).toEqual([
      [
        'services.shop.slos[avail].sli',
        'the availability SLI is the RED error ratio: declare red, or give a latency or events sli',
      ],
    ]);
    expect(
      issues([{ name: 'avail', objective: 99, groupBy: ['route', 'status', 'method'] }]).map(
        (i) => i.message,
      ),
    ).toEqual([
      'grouping by status, the error label, would put errors and successes in different groups',
      'method is not a label of http_requests_total (labels: route, status)',
    ]);
  });

  it('refuse an alert name another alert of the service has, and labels promstack sets', () => {
    expect(
      issues(
        [
          { name: 'a', objective: 99, alertName: 'ShopSlo', budgetExhausted: true },
          { name: 'b', objective: 99, alertName: 'ShopSlo' },
          { name: 'c', objective: 99, alertName: 'HighErrorRate' },
          { name: 'd', objective: 99, alertName: 'AErrorBudgetExhausted' },
          { name: 'e', objective: 99, labels: { sloth_slo: 'x', severity: 'page', category: 'ok' } },
        ],
        {},
      ).map((i) => [i.path, i.message]),
    ).toEqual([
      ['services.shop.slos[b].alertName', 'alert name ShopSlo is taken by SLO a: give each SLO its own'],
      [
        'services.shop.slos[c].alertName',
        'alert name HighErrorRate is taken by the generated alert HighErrorRate: give each SLO its own',
      ],
      [
        'services.shop.slos[d].alertName',
        'alert name AErrorBudgetExhausted is taken by SLO a: give each SLO its own',
      ],
      [
        'services.shop.slos[e].labels.sloth_slo',
        'promstack sets sloth_slo itself (sloth_*, service, team, severity, slo, sli): choose another name',
      ],
      [
        'services.shop.slos[e].labels.severity',
        'promstack sets severity itself (sloth_*, service, team, severity, slo, sli): choose another name',
      ],
    ]);
  });
});
