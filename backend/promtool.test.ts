import { createApp, type App } from './app';
import { BACKEND_METRICS } from './metrics';
import { call, get, runToolWithInput } from './testing';

// prom-client's default metrics include three gauges named *_total, which promtool's linter flags
// ("non-counter metrics should not have "_total" suffix"). They are prom-client's names, not ours, and
// renaming them would break every Node.js dashboard that uses them, so the lint runs without them.
const FLAGGED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The exposition without the named families (their HELP, TYPE and sample lines). */
function dropFamilies(exposition: string, names: readonly string[]): string {
  const drop = new Set(names);
  return exposition
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('#') ? line.split(' ')[2] : /^[^{\s]+/.exec(line)?.[0];
      return name === undefined || !drop.has(name);
    })
    .join('\n');
}

let app: App;
let exposition: string;

beforeAll(async () => {
  app = createApp({ faults: { errorRate: 0.5 } });
  const base = await app.listen(0, '127.0.0.1');
  // Samples for every label combination the metrics can have: 200, 404, 405, 500 and unmatched routes.
  for (const path of ['/api/orders', '/api/orders/1', '/api/orders/2', '/api/orders/99', '/', '/nope']) {
    await get(base, path);
  }
  await call(base, 'POST', '/api/orders');
  exposition = (await get(base, '/metrics')).body;
});

afterAll(() => app.close());

describe('promtool check metrics on the backend exposition', () => {
  it('passes with no findings once the flagged default metrics are left out', async () => {
    const linted = dropFamilies(exposition, FLAGGED_DEFAULT_METRICS);
    for (const name of Object.keys(BACKEND_METRICS)) expect(linted).toContain(`# TYPE ${name} `);
    expect(linted).toContain('# TYPE process_cpu_seconds_total counter');

    const result = await runToolWithInput('promtool', ['check', 'metrics'], linted);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('parses the full exposition: its only findings are the lint problems of the flagged gauges', async () => {
    const result = await runToolWithInput('promtool', ['check', 'metrics'], exposition);
    // Exit 3 is "linted, problems found"; a parse error exits 1 (see the next test), so the whole
    // exposition, default metrics included, is well-formed.
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').sort()).toEqual(
      FLAGGED_DEFAULT_METRICS.map((name) => `${name} non-counter metrics should not have "_total" suffix`),
    );
  });

  it('tells a parse error apart from lint problems (exit 1), which the previous test relies on', async () => {
    const broken = exposition.replace(
      /^http_requests_in_flight \S+$/m,
      'http_requests_in_flight{route="/" 1',
    );
    expect(broken).not.toBe(exposition);
    const result = await runToolWithInput('promtool', ['check', 'metrics'], broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/text format parsing error in line \d+/);
  });
});
