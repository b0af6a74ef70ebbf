import { services } from '../../../infra/services';
import { validateStack } from '../../stack/synth';
import { testStackConfig } from '../../stack/testing';
import {
  defaultTimeScale,
  drillServices,
  drillStackInput,
  exampleBackendService,
  HEARTBEAT_RECEIVER,
  heartbeatReceivers,
  maintenanceInterval,
  MAINTENANCE_INTERVAL,
  scaleIntervals,
  stackIntervals,
  timeScaleProblem,
  withMaintenance,
} from './config';

const dev = testStackConfig('docker');
const config = validateStack(dev, services);

describe("the drill's copy of a stack", () => {
  it('takes a stack scraping every 15s to a 1s scrape interval by default', () => {
    expect(defaultTimeScale(config)).toBe(15);
    expect(stackIntervals(config)).toEqual({
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
      evaluationInterval: '15s',
      groupWait: '10s',
      groupInterval: '5m',
      repeatInterval: '4h',
    });
  });

  it.each([
    [
      15,
      {
        scrapeInterval: '1s',
        scrapeTimeout: '1s',
        evaluationInterval: '1s',
        groupWait: '1s',
        groupInterval: '20s',
        repeatInterval: '16m',
      },
    ],
    [
      60,
      {
        scrapeInterval: '1s',
        scrapeTimeout: '1s',
        evaluationInterval: '1s',
        groupWait: '1s',
        groupInterval: '5s',
        repeatInterval: '4m',
      },
    ],
    [
      1,
      {
        scrapeInterval: '15s',
        scrapeTimeout: '10s',
        evaluationInterval: '15s',
        groupWait: '10s',
        groupInterval: '5m',
        repeatInterval: '4h',
      },
    ],
  ])('divides every interval by %d, never below 1s', (factor, expected) => {
    expect(scaleIntervals(stackIntervals(config), factor)).toEqual(expected);
  });

  it('keeps the scrape timeout within the scrape interval', () => {
    const intervals = { ...stackIntervals(config), scrapeInterval: '2s', scrapeTimeout: '2s' };
    expect(scaleIntervals({ ...intervals, scrapeInterval: '20s', scrapeTimeout: '19s' }, 10)).toMatchObject({
      scrapeInterval: '2s',
      scrapeTimeout: '2s',
    });
  });

  it.each([
    [0, 'at least 1'],
    [0.5, 'at least 1'],
    [Number.NaN, 'at least 1'],
    [Number.POSITIVE_INFINITY, 'at least 1'],
  ])('refuses the time scale %d', (factor, message) => {
    expect(timeScaleProblem(factor)).toContain(message);
  });

  it('replaces the intervals and receivers and leaves the rest of the stack as it was', () => {
    const receivers = [{ name: 'shop-slack', webhook_configs: [{ url: 'http://127.0.0.1:1/x' }] }];
    const input = drillStackInput(dev, config, { factor: 15, receivers });
    expect(input.prometheus).toEqual({
      ...dev.prometheus,
      scrapeInterval: '1s',
      scrapeTimeout: '1s',
      evaluationInterval: '1s',
    });
    expect(input.alertmanager).toMatchObject({ replicas: 1, groupWait: '1s', groupInterval: '20s' });
    expect(input.receivers).toBe(receivers);
    expect(input.teams).toEqual(dev.teams);
    // The stack's own config is untouched.
    expect(dev.prometheus?.scrapeInterval).toBe('15s');
  });

  it("sends the Watchdog, on the drill's clock, to the stack's heartbeat receiver or the drill's own", () => {
    const sinks = { webhookUrl: (receiver: string) => `http://127.0.0.1:1/webhook/${receiver}` };
    const own = heartbeatReceivers(config, sinks as never);
    expect(config.watchdogReceiver).toBeUndefined();
    expect(own).toEqual([
      {
        name: HEARTBEAT_RECEIVER,
        webhook_configs: [{ url: `http://127.0.0.1:1/webhook/${HEARTBEAT_RECEIVER}` }],
      },
    ]);
    const input = drillStackInput(dev, config, { factor: 15, receivers: [...dev.receivers, ...own] });
    expect(input.watchdogReceiver).toBe(HEARTBEAT_RECEIVER);
    expect(input.alertmanager).toMatchObject({ watchdogInterval: '4s' });
    expect(validateStack(input, services).watchdogReceiver).toBe(HEARTBEAT_RECEIVER);
    const withSwitch = validateStack({ ...dev, watchdogReceiver: 'platform-webhook' }, services);
    expect(heartbeatReceivers(withSwitch, sinks as never)).toEqual([]);
    expect(drillStackInput(dev, withSwitch, { factor: 15, receivers: [] }).watchdogReceiver).toBe(
      'platform-webhook',
    );
  });

  it('mutes a team with a window over today and tomorrow (UTC)', () => {
    const now = new Date('2026-12-31T23:59:30Z');
    expect(maintenanceInterval(now)).toEqual({
      name: MAINTENANCE_INTERVAL,
      time_intervals: [
        { years: ['2026'], months: ['12'], days_of_month: ['31'] },
        { years: ['2027'], months: ['1'], days_of_month: ['1'] },
      ],
    });
    const muted = withMaintenance(dev as Record<string, unknown>, 'shop', now);
    expect(muted.teams?.shop).toMatchObject({ muteTimeIntervals: [MAINTENANCE_INTERVAL] });
    expect(muted.teams?.platform).toEqual(dev.teams.platform);
    expect(() => withMaintenance(dev as Record<string, unknown>, 'nobody', now)).toThrow('team nobody');
  });

  it('finds the example backend in the catalogue and moves its target to the port the drill picked', () => {
    expect(exampleBackendService(services)?.name).toBe('orders');
    const moved = drillServices(services, { backendTarget: '127.0.0.1:40000', factor: 15 });
    expect(moved.find((s) => s.name === 'orders')?.scrape.targets).toMatchObject({
      local: ['127.0.0.1:40000'],
      docker: ['orders:8080'],
    });
    const own = drillServices(
      [{ ...services[0], scrape: { ...services[0].scrape, interval: '30s', timeout: '25s' } }],
      { backendTarget: '127.0.0.1:40000', factor: 15 },
    );
    expect(own[0].scrape).toMatchObject({ interval: '2s', timeout: '2s' });
  });
});
