import { HTTP_REQUEST_DURATION_SECONDS, HTTP_REQUESTS_TOTAL, BACKEND_METRICS } from '../backend/metrics';
import { compareText } from '../components/model/errors';
import { defineService, type ServiceDefinition } from '../components/service';
import { synthStack, type StackConfigInput } from '../components/stack';
import { TEST_STACKS_DIR, testStackConfig } from '../components/stack/testing';
import type { Io } from './io';
import { PAGING_UNKNOWN, pagingChanges, pagingSummary, reachOf, type PagingStack } from './paging';
import { synthAndRoute } from './routed';
import { PROJECT_ROOT } from './stacks';

type Overrides = NonNullable<NonNullable<Parameters<typeof defineService>[0]['alerts']>['overrides']>;

/** A service of the shop team, as a catalogue defines one; what a test changes is passed in. */
function checkout(
  changes: { team?: string; overrides?: Overrides; latency?: number } = {},
): ServiceDefinition {
  return defineService({
    name: 'checkout',
    team: changes.team ?? 'shop',
    description: 'Checkout API',
    scrape: { targets: { docker: ['checkout:8080'] } },
    metrics: BACKEND_METRICS,
    red: {
      requests: HTTP_REQUESTS_TOTAL,
      errors: { label: 'status', regex: '5..' },
      latency: HTTP_REQUEST_DURATION_SECONDS,
    },
    latencyThresholdSeconds: changes.latency ?? 0.5,
    alerts: { overrides: changes.overrides ?? {} },
    slos: [{ name: 'availability', objective: 99.5 }],
  });
}

function render(
  services: ServiceDefinition[],
  edit: (config: StackConfigInput) => void = () => {},
): PagingStack {
  const config = testStackConfig('full');
  edit(config);
  return synthStack(config, services, { environment: 'full' }).rendered;
}

type Teams = Record<string, Record<string, unknown>>;
const teams = (config: StackConfigInput) => config.teams as Teams;
const texts = (changes: { text: string }[]) => changes.map((c) => c.text);
/** Alerts in the order the changes list them: by alert name, an alert's severities in file order. */
const byName = <T extends { alertname: string }>(alerts: T[]) =>
  [...alerts].sort((x, y) => compareText(x.alertname, y.alertname));

describe('pagingChanges', () => {
  it('finds no paging change between two renders of the same stack', () => {
    expect(pagingChanges(render([checkout()]), render([checkout()]))).toEqual([]);
  });

  it('says which receivers an alert stops and starts reaching, paging and notifying apart', () => {
    const before = render([checkout()]);
    const after = render([checkout()], (config) => {
      teams(config).shop.critical = ['shop-slack'];
    });
    const changes = pagingChanges(before, after);
    expect(changes).toContainEqual({
      kind: 'receivers',
      service: 'checkout',
      alertname: 'HighErrorRate',
      severity: 'critical',
      before: ['shop-pagerduty', 'shop-slack'],
      after: ['shop-slack'],
      text: 'HighErrorRate (checkout) no longer pages shop-pagerduty; it still notifies shop-slack',
    });
    const moved = pagingChanges(
      render([checkout()], (config) => {
        teams(config).shop.critical = ['shop-pagerduty'];
      }),
      after,
    );
    expect(texts(moved)).toContain(
      'HighErrorRate (checkout) no longer pages shop-pagerduty; it now notifies shop-slack',
    );
    // Exactly the critical alerts of the shop team changed, each once; warnings and info kept their routes.
    const critical = reachOf(after).filter((r) => r.severity === 'critical' && r.team === 'shop');
    expect(critical.length).toBeGreaterThan(2);
    expect(changes.map((c) => `${c.service}/${c.alertname}/${c.severity}`)).toEqual(
      byName(critical).map((r) => `${r.service}/${r.alertname}/${r.severity}`),
    );
  });

  it('says a team change first, then re-routes every alert of that service to the new team', () => {
    const before = render([checkout()]);
    const after = render([checkout({ team: 'platform' })]);
    const changes = pagingChanges(before, after);
    expect(changes[0]).toEqual({
      kind: 'team',
      service: 'checkout',
      before: 'shop',
      after: 'platform',
      text: 'checkout alerts now route to team platform (was team shop)',
    });
    expect(texts(changes)).toContain(
      'HighErrorRate (checkout) no longer pages shop-pagerduty or notifies shop-slack; it now pages platform-opsgenie and notifies platform-teams',
    );
    expect(texts(changes)).toContain(
      'HighLatency (checkout) no longer notifies shop-slack; it now notifies platform-telegram',
    );
    // Every alert of checkout is re-routed, and nothing of another rule set is touched.
    const alerts = reachOf(after).filter((r) => r.service === 'checkout');
    expect(changes.slice(1).map((c) => [c.kind, c.alertname, c.severity])).toEqual(
      byName(alerts).map((r) => ['receivers', r.alertname, r.severity]),
    );
  });

  it('reports added and removed alerts with their receivers, and a new stack as all new', () => {
    const before = render([checkout()]);
    const after = render([checkout({ overrides: { HighLatency: { disabled: true } } })]);
    expect(pagingChanges(before, after)).toEqual([
      {
        kind: 'removed',
        service: 'checkout',
        alertname: 'HighLatency',
        severity: 'warning',
        before: ['shop-slack'],
        text: 'HighLatency (checkout) is removed: it no longer notifies shop-slack',
      },
    ]);
    expect(texts(pagingChanges(after, before))).toEqual([
      'HighLatency (checkout) is new (warning): it notifies shop-slack',
    ]);
    const fresh = pagingChanges(undefined, before);
    expect(fresh.every((c) => c.kind === 'added')).toBe(true);
    expect(fresh).toHaveLength(reachOf(before).length);
    // The Watchdog's receiver here is a dead man's switch; a receiver without integrations says so.
    expect(texts(fresh)).toContain(
      'HighErrorRate (checkout) is new (critical): it pages shop-pagerduty and notifies shop-slack',
    );
    const nullWatchdog = render([checkout()], (config) => {
      delete (config as { watchdogReceiver?: string }).watchdogReceiver;
    });
    expect(texts(pagingChanges(before, nullWatchdog))).toEqual([
      'Watchdog (promstack-stack) no longer notifies deadmans-switch; it now goes to null, which notifies no one',
    ]);
  });

  it('reports severity, for and threshold changes, naming the severity where an alert name has two', () => {
    const before = render([checkout()]);
    const after = render([
      checkout({
        latency: 0.8,
        overrides: {
          HighLatency: { severity: 'critical', for: '15m' },
          'SloBurn:availability:ticket': { severity: 'info' },
        },
      }),
    ]);
    const forBefore = reachOf(before).find((r) => r.alertname === 'HighLatency')!.rule.for;
    expect(forBefore).toBeDefined();
    expect(texts(pagingChanges(before, after))).toEqual([
      'AvailabilityErrorBudgetBurn (checkout, warning) is now info (was warning)',
      'AvailabilityErrorBudgetBurn (checkout, info) no longer notifies shop-slack; it now notifies shop-mail',
      'HighLatency (checkout) is now critical (was warning)',
      'HighLatency (checkout) now also pages shop-pagerduty',
      `HighLatency (checkout) now fires after 15m (was after ${forBefore})`,
      'HighLatency (checkout) threshold changed: 0.5 → 0.8',
    ]);
  });
});

describe('the routing walk of pagingChanges', () => {
  it('sends every alert of the full test stack where amtool sends it', async () => {
    const io: Io = { out: () => {}, err: () => {}, color: false };
    const routed = await synthAndRoute(io, {
      projectRoot: PROJECT_ROOT,
      root: TEST_STACKS_DIR,
      stack: 'full',
      json: false,
    });
    const key = (r: { service: string; alertname: string; severity: string; receivers: string[] }) =>
      `${r.service} ${r.alertname} ${r.severity} → ${r.receivers.join(',')}`;
    const amtool = routed!.routes.map(key).sort();
    expect(amtool.length).toBeGreaterThan(10);
    expect(reachOf(routed!.result.rendered).map(key).sort()).toEqual(amtool);
  });
});

describe('pagingSummary', () => {
  const files = [{ status: 'changed' }, { status: 'changed' }, { status: 'added' }];

  it('is a heading, the sentences as a list and the count of files that differ, names escaped', () => {
    const paging = pagingChanges(
      render([checkout()]),
      render([checkout({ overrides: { HighLatency: { disabled: true } } })]),
    );
    expect(pagingSummary({ stack: 'prod', base: 'origin/main (1a2b3c4d5e6f)', paging, files })).toBe(
      [
        '### Stack prod: paging changes against origin/main (1a2b3c4d5e6f)',
        '',
        '- HighLatency (checkout) is removed: it no longer notifies shop-slack',
        '',
        'Rendered files: 3 differ (2 changed, 1 added, 0 removed).',
        '',
      ].join('\n'),
    );
    const odd = [{ ...paging[0], text: 'High_Latency* (a|b) no longer pages <team>' }];
    expect(pagingSummary({ stack: 'dev_1', base: 'stack prod', paging: odd, files: [] })).toBe(
      [
        '### Stack dev\\_1: paging changes against stack prod',
        '',
        '- High\\_Latency\\* (a\\|b) no longer pages \\<team\\>',
        '',
        'Rendered files: identical.',
        '',
      ].join('\n'),
    );
  });

  it('says when there is no paging change, and when the base cannot tell', () => {
    expect(pagingSummary({ stack: 'dev', base: 'stack dev', paging: [], files })).toContain(
      '\n\nNo paging change.\n\n',
    );
    const unknown = pagingSummary({ stack: 'dev', base: 'v1', note: 'old base', paging: undefined, files });
    expect(unknown).toContain('\n\n> old base\n\n');
    expect(unknown).toContain(`\n\nPaging changes unknown: ${PAGING_UNKNOWN}.\n\n`);
  });
});
