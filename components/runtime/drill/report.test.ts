import { formatReport, type DrillReport } from './report';

const intervals = {
  scrapeInterval: '15s',
  scrapeTimeout: '10s',
  evaluationInterval: '15s',
  groupWait: '10s',
  groupInterval: '5m',
  repeatInterval: '4h',
};

const report: DrillReport = {
  ok: false,
  stack: 'dev',
  timeScale: 15,
  limit: 1.5,
  startedAt: '2026-11-26T00:00:00.000Z',
  durationSeconds: 230.4,
  service: 'orders',
  intervals: {
    real: intervals,
    scaled: {
      ...intervals,
      scrapeInterval: '1s',
      scrapeTimeout: '1s',
      evaluationInterval: '1s',
      groupWait: '1s',
      groupInterval: '20s',
      repeatInterval: '16m',
    },
  },
  history: { seconds: 5184, realSeconds: 77760, series: 5, reason: '5184 s of healthy traffic' },
  scenarios: [
    {
      name: 'target down',
      kind: 'alert',
      ok: true,
      fault: { hang: true },
      alert: {
        alertname: 'TargetDown',
        labels: { alertname: 'TargetDown', service: 'orders', team: 'shop', severity: 'critical' },
        links: {
          dashboard_url: 'http://127.0.0.1:3000/d/svc-orders',
          runbook_url: 'https://runbooks.example.com/promstack/TargetDown',
        },
        expectedReceivers: ['shop-pager', 'shop-slack'],
        receivers: ['shop-pager', 'shop-slack'],
        expectedResolvedReceivers: ['shop-pager', 'shop-slack'],
        resolvedReceivers: ['shop-pager', 'shop-slack'],
        firingAfter: 10.4,
        latency: { scaled: 11.2, real: 168 },
        floor: { scaled: 11, real: 160 },
        windowAwareFloor: { scaled: 12, real: 170 },
        fill: {
          scaled: 'a hung scrape fails when its timeout ends (1s)',
          real: 'a hung scrape fails when its timeout ends (10s)',
        },
        ratios: { floor: 1.02, windowAware: 0.93 },
        resolvedAfter: 19.8,
      },
      summary: 'TargetDown notified',
      problems: [],
    },
    {
      name: 'silence',
      kind: 'silence',
      ok: false,
      summary: 'the silenced alert got through',
      problems: ['the silenced alert reached shop-slack'],
    },
  ],
};

describe('the drill report as a person reads it', () => {
  const text = formatReport(report);

  it('states the factor and both clocks', () => {
    expect(text).toContain('promstack drill: stack dev, service orders, time scale 15x (230 s)');
    expect(text).toContain('real clock:  scrape 15s, evaluation 15s, group_wait 10s, group_interval 5m');
    expect(text).toContain('drill clock: scrape 1s, evaluation 1s, group_wait 1s, group_interval 20s');
  });

  it('has one table row per alert with the latency, both floors and both ratios', () => {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('scenario'))!;
    expect(header.split(/\s{2,}/)).toEqual([
      'scenario',
      'result',
      'notified s',
      'real-clock s',
      'floor s',
      'x floor',
      'window floor s',
      'x window',
      'receivers',
    ]);
    const row = lines.find((l) => l.startsWith('target down'))!;
    expect(row.split(/\s{2,}/)).toEqual([
      'target down',
      'PASS',
      '11.2',
      '168',
      '11 (160)',
      '1.02x',
      '12 (170)',
      '0.93x',
      'shop-pager, shop-slack',
    ]);
    expect(lines.filter((l) => l.startsWith('silence'))).toEqual([]);
  });

  it('lists every scenario with its problems and the outcome', () => {
    expect(text).toContain(
      'PASS  target down: TargetDown notified\n      window: a hung scrape fails when its timeout ends (1s)\n' +
        '      dashboard_url: http://127.0.0.1:3000/d/svc-orders\n' +
        '      runbook_url: https://runbooks.example.com/promstack/TargetDown\n',
    );
    expect(text).toContain(
      'FAIL  silence: the silenced alert got through\n      problem: the silenced alert reached shop-slack',
    );
    expect(text.trimEnd().endsWith('1 of 2 scenarios failed.')).toBe(true);
    expect(formatReport({ ...report, ok: true, scenarios: [report.scenarios[0]] })).toContain(
      'Every scenario passed (1).',
    );
  });
});
