import { connect } from 'node:net';
import { createApp, type App, type AppOptions } from './app';
import { NO_FAULTS } from './faults';
import {
  APP_QUEUE_DEPTH,
  DURATION_BUCKETS,
  HTTP_REQUEST_DURATION_SECONDS,
  HTTP_REQUESTS_IN_FLIGHT,
  HTTP_REQUESTS_TOTAL,
  HTTP_RESPONSE_SIZE_BYTES,
  PROCESS_CPU_SECONDS_TOTAL,
} from './metrics';
import { call, get, parseExposition, RequestTimeout, scrape, valueOf, waitFor, type Series } from './testing';

let app: App;
let base: string;

async function start(options: AppOptions = {}): Promise<void> {
  // Default metrics only where a test reads them: each set registers its own GC observer.
  app = createApp({ defaultMetrics: false, ...options });
  base = await app.listen(0, '127.0.0.1');
}

afterEach(() => app.close());

const put = (body: unknown) => call(base, 'PUT', '/control/faults', { body: JSON.stringify(body) });

function requests(series: Series, route: string, status: string, method = 'GET'): number {
  return series.get(`${HTTP_REQUESTS_TOTAL}{method="${method}",route="${route}",status="${status}"}`) ?? 0;
}

async function gaugeValue(read: () => Promise<{ values: { value: number }[] }>): Promise<number> {
  return (await read()).values[0]?.value ?? 0;
}

describe('request metrics', () => {
  beforeEach(() => start());

  it('counts requests by method, route template and status', async () => {
    for (let i = 0; i < 3; i++) expect((await get(base, '/api/orders')).status).toBe(200);
    expect((await get(base, '/api/orders/1')).status).toBe(200);
    expect((await get(base, '/api/orders/2?verbose=1')).status).toBe(200);
    expect((await get(base, '/api/orders/999')).status).toBe(404);
    expect((await get(base, '/no/such/page')).status).toBe(404);
    const wrongMethod = await call(base, 'POST', '/api/orders');
    expect([wrongMethod.status, wrongMethod.headers.allow]).toEqual([405, 'GET']);
    expect((await get(base, '/healthz')).status).toBe(200);

    const series = await scrape(base);
    expect(requests(series, '/api/orders', '200')).toBe(3);
    expect(requests(series, '/api/orders/:id', '200')).toBe(2);
    expect(requests(series, '/api/orders/:id', '404')).toBe(1);
    expect(requests(series, 'unmatched', '404')).toBe(1);
    expect(requests(series, '/api/orders', '405', 'POST')).toBe(1);
    expect(requests(series, '/healthz', '200')).toBe(1);
    // Raw paths never become label values.
    const routes = [...series.keys()].filter((key) => key.startsWith(HTTP_REQUESTS_TOTAL)).join('\n');
    expect(routes).not.toMatch(/999|no\/such|verbose|orders\/1"/);
  });

  it('exposes the success and injected-error series of every /api route at 0 before any request', async () => {
    const series = await scrape(base);
    const exposed = [...series.entries()].filter(([key]) => key.startsWith(`${HTTP_REQUESTS_TOTAL}{`));
    expect(Object.fromEntries(exposed)).toEqual({
      [`${HTTP_REQUESTS_TOTAL}{method="GET",route="/api/orders",status="200"}`]: 0,
      [`${HTTP_REQUESTS_TOTAL}{method="GET",route="/api/orders",status="500"}`]: 0,
      [`${HTTP_REQUESTS_TOTAL}{method="GET",route="/api/orders/:id",status="200"}`]: 0,
      [`${HTTP_REQUESTS_TOTAL}{method="GET",route="/api/orders/:id",status="500"}`]: 0,
    });
  });

  it('answers a request target that is no URL with 404 instead of crashing', async () => {
    const firstLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () =>
        socket.end('GET http://[bad/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text.split('\r\n')[0]));
      socket.on('error', reject);
    });
    expect(firstLine).toBe('HTTP/1.1 404 Not Found');
    expect(requests(await scrape(base), 'unmatched', '404')).toBe(1);
  });

  it('observes every request in the duration histogram with the configured buckets', async () => {
    for (let i = 0; i < 4; i++) await get(base, '/api/orders/3');
    const series = await scrape(base);
    const labels = { method: 'GET', route: '/api/orders/:id' };
    const buckets = [...DURATION_BUCKETS.map(String), '+Inf'].map((le) =>
      valueOf(series, `${HTTP_REQUEST_DURATION_SECONDS}_bucket`, { ...labels, le }),
    );
    expect(valueOf(series, `${HTTP_REQUEST_DURATION_SECONDS}_count`, labels)).toBe(4);
    expect(buckets.at(-1)).toBe(4);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b)); // cumulative
    const bucketBounds = [...series.keys()]
      .filter((key) => key.includes('_bucket') && key.includes('/api/orders/:id'))
      .map((key) => /le="([^"]+)"/.exec(key)?.[1]);
    expect(bucketBounds).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '+Inf',
    ]);
  });

  it('records the size of every finished response body in the summary', async () => {
    const bodies = [await get(base, '/api/orders'), await get(base, '/api/orders/4'), await get(base, '/')];
    const answer = await get(base, '/metrics');
    expect(answer.headers['content-type']).toBe(app.registry.contentType);
    const series = parseExposition(answer.body);
    expect(valueOf(series, `${HTTP_RESPONSE_SIZE_BYTES}_count`)).toBe(3);
    expect(valueOf(series, `${HTTP_RESPONSE_SIZE_BYTES}_sum`)).toBe(
      bodies.reduce((sum, body) => sum + Buffer.byteLength(body.body), 0),
    );
    for (const quantile of ['0.5', '0.9', '0.99']) {
      expect(series.has(`${HTTP_RESPONSE_SIZE_BYTES}{quantile="${quantile}"}`)).toBe(true);
    }
  });

  it('tracks requests in flight and orders in the queue', async () => {
    await put({ latencyMs: 800 });
    const slow = [get(base, '/api/orders'), get(base, '/api/orders/1'), get(base, '/api/orders/2')];
    await waitFor(
      async () => (await gaugeValue(() => app.metrics.inFlight.get())) === 3,
      '3 requests in flight',
    );

    const during = await scrape(base);
    expect(valueOf(during, HTTP_REQUESTS_IN_FLIGHT)).toBe(4); // the three, plus this scrape
    expect(valueOf(during, APP_QUEUE_DEPTH)).toBe(3);

    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200, 200]);
    const after = await scrape(base);
    expect(valueOf(after, HTTP_REQUESTS_IN_FLIGHT)).toBe(1);
    expect(valueOf(after, APP_QUEUE_DEPTH)).toBe(0);
  });
});

describe('fault control API', () => {
  beforeEach(() => start());

  it('shows, replaces and resets the fault state', async () => {
    expect(JSON.parse((await get(base, '/control/faults')).body)).toEqual(NO_FAULTS);
    const set = await put({ errorRate: 0.5, latencyMs: 10 });
    expect([set.status, JSON.parse(set.body)]).toEqual([
      200,
      { ...NO_FAULTS, errorRate: 0.5, latencyMs: 10 },
    ]);
    // A PUT is the whole state: latencyMs goes back to 0.
    expect(JSON.parse((await put({ queueDepth: 2 })).body)).toEqual({ ...NO_FAULTS, queueDepth: 2 });
    expect(JSON.parse((await get(base, '/control/faults')).body)).toEqual({ ...NO_FAULTS, queueDepth: 2 });
    const reset = await call(base, 'DELETE', '/control/faults');
    expect([reset.status, JSON.parse(reset.body)]).toEqual([200, NO_FAULTS]);
    expect(app.faults.current).toEqual(NO_FAULTS);
  });

  it.each([
    [0.25, 40, 10],
    [0.1, 30, 3],
    [0.3, 10, 3],
    [1, 5, 5],
    [0, 8, 0],
  ])('errorRate %p answers exactly %p /api requests with %p errors', async (errorRate, total, errors) => {
    await put({ errorRate });
    const statuses: number[] = [];
    for (let i = 0; i < total; i++)
      statuses.push((await get(base, i % 2 ? '/api/orders/1' : '/api/orders')).status);
    expect(statuses.filter((status) => status === 500)).toHaveLength(errors);
    expect(statuses.filter((status) => status === 200)).toHaveLength(total - errors);
    expect((await get(base, '/healthz')).status).toBe(200); // not an /api route: never failed

    const series = await scrape(base);
    const counted = requests(series, '/api/orders', '500') + requests(series, '/api/orders/:id', '500');
    expect(counted).toBe(errors);
  });

  it('fails every 4th /api request for errorRate 0.25', async () => {
    await put({ errorRate: 0.25 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(base, '/api/orders')).status);
    expect(statuses).toEqual([200, 200, 200, 500, 200, 200, 200, 500]);
  });

  it('adds latency to /api requests, visible in the histogram', async () => {
    await get(base, '/api/orders');
    await put({ latencyMs: 300 });
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      await get(base, '/api/orders');
      expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    }
    const series = await scrape(base);
    const labels = { method: 'GET', route: '/api/orders' };
    const bucket = (le: string) =>
      valueOf(series, `${HTTP_REQUEST_DURATION_SECONDS}_bucket`, { ...labels, le });
    expect(valueOf(series, `${HTTP_REQUEST_DURATION_SECONDS}_count`, labels)).toBe(3);
    expect(bucket('0.25')).toBe(1); // only the request before the fault
    expect(bucket('+Inf') - bucket('0.25')).toBe(2);
    expect(valueOf(series, `${HTTP_REQUEST_DURATION_SECONDS}_sum`, labels)).toBeGreaterThanOrEqual(0.6);
  });

  it('hang holds /api and /metrics open while /control and /healthz answer, until reset', async () => {
    await put({ hang: true });
    await expect(get(base, '/metrics', 300)).rejects.toBeInstanceOf(RequestTimeout);
    await expect(get(base, '/api/orders', 300)).rejects.toBeInstanceOf(RequestTimeout);
    expect(JSON.parse((await get(base, '/control/faults', 1000)).body).hang).toBe(true);
    expect((await get(base, '/healthz', 1000)).status).toBe(200);
    await waitFor(() => app.faults.held === 0, 'abandoned requests to be let go');

    const heldScrape = get(base, '/metrics');
    const heldOrder = get(base, '/api/orders/2');
    await waitFor(() => app.faults.held === 2, 'two held requests');
    expect((await call(base, 'DELETE', '/control/faults')).status).toBe(200);
    expect((await heldOrder).status).toBe(200);
    expect((await heldScrape).status).toBe(200);

    const series = await scrape(base);
    // Clients that gave up are counted as 499, so the outage shows in the request metrics too.
    expect(requests(series, '/metrics', '499')).toBe(1);
    expect(requests(series, '/api/orders', '499')).toBe(1);
    expect(requests(series, '/api/orders/:id', '200')).toBe(1);
    expect(valueOf(series, HTTP_REQUESTS_IN_FLIGHT)).toBe(1);
  });

  it('sets the queue depth gauge', async () => {
    await put({ queueDepth: 7 });
    expect(valueOf(await scrape(base), APP_QUEUE_DEPTH)).toBe(7);
    await call(base, 'DELETE', '/control/faults');
    expect(valueOf(await scrape(base), APP_QUEUE_DEPTH)).toBe(0);
  });

  it.each([
    ['invalid JSON', '{"errorRate":', /^the body is not valid JSON \(.+\): send an object such as/],
    ['an array', '[]', /the body must be a JSON object such as/],
    ['an unknown field', '{"errorrate":0.5}', /unknown field "errorrate": check the spelling/],
    ['a share above 1', '{"errorRate":1.5}', /errorRate: must be a share from 0 to 1/],
    ['a string for a number', '{"latencyMs":"300"}', /latencyMs: must be a number of milliseconds/],
    [
      'negative latency',
      '{"latencyMs":-1}',
      /latencyMs: must be a whole number of milliseconds from 0 to 120000/,
    ],
    ['a fractional burn', '{"cpuBurnMs":0.5}', /cpuBurnMs: must be a whole number of milliseconds/],
    ['a string for hang', '{"hang":"yes"}', /hang: must be true or false/],
    [
      'a huge queue',
      '{"queueDepth":1e9}',
      /queueDepth: must be a whole number of queued orders from 0 to 1000000/,
    ],
  ])('answers 400 to %s and keeps the faults', async (_, body, message) => {
    await put({ latencyMs: 1 });
    const answer = await call(base, 'PUT', '/control/faults', { body });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(message);
    expect(app.faults.current).toEqual({ ...NO_FAULTS, latencyMs: 1 });
  });

  it('reports every problem of a body at once', async () => {
    const answer = await put({ errorRate: 2, latencyMs: -5, hang: 1 });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).issues.map((issue: { path: string }) => issue.path)).toEqual([
      'errorRate',
      'hang',
      'latencyMs',
    ]);
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const answer = await call(base, 'PUT', '/control/faults', { body: ' '.repeat(70 * 1024) });
    expect(answer.status).toBe(413);
  });
});

describe('cpuBurnMs', () => {
  beforeEach(() => start({ defaultMetrics: true }));

  it('burns CPU on every /api request, so process_cpu_seconds_total rises', async () => {
    const before = valueOf(await scrape(base), PROCESS_CPU_SECONDS_TOTAL);
    await put({ cpuBurnMs: 150 });
    for (let i = 0; i < 3; i++) await get(base, '/api/orders');
    const after = valueOf(await scrape(base), PROCESS_CPU_SECONDS_TOTAL);
    // Each request spins until the process has used 150 ms more CPU time.
    expect(after - before).toBeGreaterThanOrEqual(0.45);
  });
});

describe('close', () => {
  it('answers held requests with 503 and stops listening', async () => {
    await start({ faults: { hang: true } });
    const held = get(base, '/api/orders');
    await waitFor(() => app.faults.held === 1, 'a held request');
    await app.close();
    expect((await held).status).toBe(503);
    expect(app.server.listening).toBe(false);
    await expect(get(base, '/healthz', 1000)).rejects.toThrow(/ECONNREFUSED/);
    await app.close(); // again: no error
  });

  it('closes a server that never listened', async () => {
    app = createApp({ defaultMetrics: false });
    await expect(app.close()).resolves.toBeUndefined();
  });
});
