import { createApp, type App } from './app';
import { startTraffic, type TrafficGenerator } from './traffic';
import { waitFor } from './testing';

let app: App;
let base: string;
let traffic: TrafficGenerator | undefined;

beforeEach(async () => {
  app = createApp({ defaultMetrics: false, simulatedWorkMs: 0 });
  base = await app.listen(0, '127.0.0.1');
});

afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
  await app.close();
});

async function servedByRoute(): Promise<Record<string, number>> {
  const served: Record<string, number> = {};
  for (const { labels, value } of (await app.metrics.requests.get()).values) {
    const key = `${labels.route} ${labels.status}`;
    served[key] = (served[key] ?? 0) + value;
  }
  return served;
}

describe('startTraffic', () => {
  it('sends requests at the given rate through the paths in turn', async () => {
    traffic = startTraffic({ baseUrl: base, rps: 100, paths: ['/api/orders', '/api/orders/404'] });
    const generator = traffic;
    await waitFor(() => generator.stats.answered >= 10, '10 answers');
    await generator.stop();

    const served = await servedByRoute();
    expect(served['/api/orders 200']).toBeGreaterThanOrEqual(5);
    expect(served['/api/orders/:id 404']).toBeGreaterThanOrEqual(5);
    expect(generator.stats.answered).toBeLessThanOrEqual(generator.stats.sent);
  });

  it('keeps to its rate: about rps × seconds requests', async () => {
    traffic = startTraffic({ baseUrl: base, rps: 50 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await traffic.stop();
    // 50 due in one second; timer granularity and start-up cost a few.
    expect(traffic.stats.sent).toBeGreaterThanOrEqual(40);
    expect(traffic.stats.sent).toBeLessThanOrEqual(51);
  });

  it('skips instead of piling up requests while the service hangs, and stop() lets them go', async () => {
    app.faults.set({ hang: true });
    traffic = startTraffic({ baseUrl: base, rps: 200, maxOutstanding: 3, paths: ['/api/orders'] });
    const generator = traffic;
    await waitFor(() => generator.stats.skipped > 0, 'skipped requests');
    await waitFor(() => app.faults.held === 3, 'the sent requests to be held');
    expect(generator.stats.sent).toBe(3);
    await generator.stop();
    await waitFor(() => app.faults.held === 0, 'held requests to be let go');
    expect(generator.stats.answered).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses rps %p', (rps) => {
    expect(() => startTraffic({ baseUrl: base, rps })).toThrow(/rps must be a positive number/);
  });
});
