import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../backend/app';
import {
  panelQueries,
  substituteGrafanaMacros,
  type PanelQuery,
  type PlainDashboard,
} from '../../dashboards';
import { defineService, type ServiceDefinition } from '../../components/service';
import { synthStack } from '../../components/stack';
import { layoutUnder, testStackConfig, writeFiles } from '../../components/stack/testing';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RunningProcess,
} from '../../components/runtime/processes';
import { findTool } from '../../components/tools/binaries';
import { WEB_CONFIG_FILE, webConfigYaml } from '../../components/platforms/web-auth';
import { withLogin } from '../../components/runtime/local';
import { orders } from '../../infra/services/orders';

interface QueryResult {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}
interface RulesResult {
  data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
}

/**
 * A real Prometheus scrapes the real example backend with the generated config and evaluates the
 * generated rules; every dashboard query then runs against it.
 */
describe('Prometheus scrapes the example backend and evaluates the generated rules', () => {
  let app: App;
  let prometheus: RunningProcess;
  let promUrl: string;
  let files: Record<string, string>;
  let traffic: NodeJS.Timeout;
  // Prometheus asks for the stack's login, as deployed; its self-scrape logs in with the same file.
  const webAuth = { username: 'promstack', password: 'e2e-web-password' };
  const login = withLogin(webAuth);

  beforeAll(async () => {
    app = createApp({ serviceName: 'orders', simulatedWorkMs: 1 });
    const backendUrl = await app.listen(0, '127.0.0.1');
    const backendTarget = new URL(backendUrl).host;
    // Every tenth request fails, so error ratio and SLO rules have data to work on.
    app.faults.set({ errorRate: 0.1 });
    traffic = setInterval(() => void fetch(`${backendUrl}/api/orders`).catch(() => undefined), 50);

    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const root = mkdtempSync(join(tmpdir(), 'promstack-e2e-'));
    const service: ServiceDefinition = defineService({
      ...orders,
      scrape: { targets: { local: [backendTarget] } },
    } as never);
    const stack = {
      ...testStackConfig('docker'),
      prometheus: { scrapeInterval: '1s', scrapeTimeout: '1s', evaluationInterval: '1s' },
    };
    files = synthStack(stack, [service], {
      environment: 'e2e',
      platform: 'local',
      layout: layoutUnder(root),
      endpoints: {
        prometheus: [`127.0.0.1:${port}`],
        alertmanagers: ['127.0.0.1:9'],
        grafana: '127.0.0.1:9',
      },
    }).files;
    writeFiles(files, root);
    const secrets = layoutUnder(root).prometheusSecretsDir;
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'web-password'), webAuth.password);
    writeFileSync(
      join(secrets, WEB_CONFIG_FILE),
      webConfigYaml({ username: webAuth.username, passwordSecret: 'web-password' }, webAuth.password),
    );
    prometheus = startProcess('prometheus', findTool('prometheus'), [
      `--config.file=${join(root, 'prometheus', 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(root, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.config.file=${join(secrets, WEB_CONFIG_FILE)}`,
    ]);
    await waitFor(async () => ((await fetch(`${promUrl}/-/ready`, login)).ok ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `Prometheus not ready:\n${prometheus.output()}`,
    });
  });

  afterAll(async () => {
    clearInterval(traffic);
    await prometheus?.stop();
    await app?.close();
  });

  const query = (expr: string) =>
    getJson<QueryResult>(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, login);

  it('scrapes the backend with the service labels', async () => {
    const up = await waitFor(
      async () => {
        const result = await query('up{job="orders"} == 1');
        return result.data.result.length > 0 ? result.data.result[0].metric : undefined;
      },
      { timeoutMs: 20_000, describe: () => 'up{job="orders"} never became 1' },
    );
    expect(up).toMatchObject({ job: 'orders', service: 'orders', team: 'shop' });
  });

  it('evaluates the RED and SLO recording rules on the scraped data', async () => {
    const ratio = await waitFor(
      async () => {
        const result = await query('service:error_ratio:rate5m{service="orders"}');
        return result.data.result.length > 0 ? Number(result.data.result[0].value[1]) : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'service:error_ratio:rate5m never appeared' },
    );
    expect(ratio).toBeGreaterThan(0.05);
    expect(ratio).toBeLessThan(0.15);
    // One current burn rate per SLO of orders: availability (RED counters) and latency (its histogram).
    const burn = await query('slo:current_burn_rate:ratio{sloth_service="orders"}');
    expect(burn.data.result.map((r) => r.metric.sloth_slo).sort()).toEqual(['availability', 'latency']);
  });

  it('evaluates every generated rule without an error', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const rules = await getJson<RulesResult>(`${promUrl}/api/v1/rules`, login);
    const all = rules.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter((r) => r.health === 'err')).toEqual([]);
  });

  it("draws a window's burn rate as its error ratio over the budget, as the SLO's records compute it", async () => {
    const dashboard = JSON.parse(files['grafana/dashboards/svc-orders.json']) as PlainDashboard;
    const shortest = panelQueries(dashboard).find(
      (q) => q.panel === 'availability page burn rate by window' && q.refId === 'A',
    );
    expect(shortest?.expr).toContain('slo:sli_error:ratio_rate5m');
    const value = async (expr: string) => Number((await query(expr)).data.result[0]?.value[1]);
    const drawn = await value(shortest!.expr);
    const recorded = await value(
      'slo:current_burn_rate:ratio{sloth_service="orders", sloth_slo="availability"}',
    );
    // A tenth of requests fail against a budget of 0.5%: about 20x, as the current burn rate (also 5m).
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(30);
    expect(Math.abs(drawn - recorded) / recorded).toBeLessThan(0.1);
  });

  it("runs every dashboard panel query successfully, and every panel but Alertmanager's returns data", async () => {
    const dashboards = Object.entries(files)
      .filter(([path]) => path.startsWith('grafana/dashboards/'))
      .map(([, text]) => JSON.parse(text) as PlainDashboard);
    const queries = dashboards.flatMap(panelQueries);
    expect(queries.length).toBeGreaterThan(10);
    const values = { job: '.+', service: 'orders', __rate_interval: '1m', __interval: '15s', __range: '5m' };
    const name = (q: PanelQuery) => `${q.dashboard}/${q.panel}/${q.refId}`;
    const failures: string[] = [];
    const empty: string[] = [];
    for (const q of queries) {
      const expr = substituteGrafanaMacros(q.expr, values);
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, login);
      const body = (await response.json()) as QueryResult & { error?: string };
      if (body.status !== 'success') failures.push(`${name(q)}: ${body.error}`);
      else if (body.data.result.length === 0) empty.push(name(q));
    }
    expect(failures).toEqual([]);
    // No Alertmanager runs here, so only its panels may be empty: the SLO panels, the overview's SLO
    // table and the burn rates of every alert window included, must all return data.
    expect(queries.some((q) => q.expr.includes('slo:period_error_budget_remaining:ratio'))).toBe(true);
    expect(empty).toEqual(queries.filter((q) => q.expr.includes('alertmanager_')).map(name));
  });
});
