import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLogin, type LocalStack, type WebCredentials } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import {
  drillAlert,
  faultStackConfig,
  metricValue,
  postAlerts,
  cleanUpFaults,
  startFaultStack,
  WebhookSink,
} from './testing';

interface Targets {
  data: { activeTargets: { labels: Record<string, string>; health: string; lastScrape: string }[] };
}
interface Rules {
  data: { groups: { name: string; lastEvaluation: string; rules: { name: string }[] }[] };
}

const BROKEN = 'global:\n  scrape_interval: [1s\nroute: {receiver: nobody\n';

async function reload(url: string, login: WebCredentials): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/-/reload`, withLogin(login, { method: 'POST' }));
  return { status: response.status, text: await response.text() };
}

describe('a broken config pushed to running processes', () => {
  let sink: WebhookSink;
  let stack: LocalStack;

  beforeAll(async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url));
  });

  afterAll(cleanUpFaults);

  it('Prometheus refuses it and keeps scraping and evaluating with the old one', async () => {
    const prometheus = stack.urls.prometheus;
    const selfTarget = async () =>
      (
        await getJson<Targets>(`${prometheus}/api/v1/targets`, withLogin(stack.webAuth))
      ).data.activeTargets.find((t) => t.labels.job === 'prometheus');
    const stackRules = async () =>
      (await getJson<Rules>(`${prometheus}/api/v1/rules`, withLogin(stack.webAuth))).data.groups.find((g) =>
        g.rules.some((r) => r.name === 'Watchdog'),
      );
    await waitFor(async () => ((await selfTarget())?.health === 'up' ? true : undefined), {
      timeoutMs: 20_000,
      describe: () => 'Prometheus never scraped itself',
    });
    const configBefore = (
      await getJson<{ data: { yaml: string } }>(
        `${prometheus}/api/v1/status/config`,
        withLogin(stack.webAuth),
      )
    ).data.yaml;
    const rulesBefore = (
      await getJson<Rules>(`${prometheus}/api/v1/rules`, withLogin(stack.webAuth))
    ).data.groups.map((g) => g.name);

    const file = join(stack.paths.config, 'prometheus', 'prometheus.yml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, BROKEN);
    // Prometheus's lifecycle API is off (it has no login): a config is reloaded by SIGHUP.
    stack.processes.prometheus.reload();
    await waitFor(
      async () =>
        (await metricValue(prometheus, 'prometheus_config_last_reload_successful', stack.webAuth)) === 0
          ? true
          : undefined,
      { timeoutMs: 20_000, describe: () => 'Prometheus never tried the broken config' },
    );
    const brokenAt = Date.now();
    expect(stack.processes.prometheus.output()).toMatch(/Error reloading config.*prometheus\.yml/s);

    // Scrapes and rule evaluations after the refused reload, with the old config.
    await waitFor(
      async () => {
        const [target, group] = await Promise.all([selfTarget(), stackRules()]);
        return target?.health === 'up' &&
          Date.parse(target.lastScrape) > brokenAt &&
          group !== undefined &&
          Date.parse(group.lastEvaluation) > brokenAt
          ? true
          : undefined;
      },
      { timeoutMs: 10_000, describe: () => 'no scrape or rule evaluation after the refused reload' },
    );
    expect(
      (
        await getJson<{ data: { yaml: string } }>(
          `${prometheus}/api/v1/status/config`,
          withLogin(stack.webAuth),
        )
      ).data.yaml,
    ).toBe(configBefore);
    expect(
      (await getJson<Rules>(`${prometheus}/api/v1/rules`, withLogin(stack.webAuth))).data.groups.map(
        (g) => g.name,
      ),
    ).toEqual(rulesBefore);
    expect(stack.processes.prometheus.alive).toBe(true);

    // The good config goes back in: the next reload is accepted again.
    writeFileSync(file, good);
    stack.processes.prometheus.reload();
    await waitFor(
      async () =>
        (await metricValue(prometheus, 'prometheus_config_last_reload_successful', stack.webAuth)) === 1
          ? true
          : undefined,
      { timeoutMs: 20_000, describe: () => 'Prometheus did not take the good config back' },
    );
  });

  it("Prometheus's lifecycle API is off: not even who has the login can stop it or reload it over HTTP", async () => {
    const prometheus = stack.urls.prometheus;
    for (const path of ['/-/quit', '/-/reload']) {
      const response = await fetch(`${prometheus}${path}`, withLogin(stack.webAuth, { method: 'POST' }));
      expect({ path, status: response.status, text: await response.text() }).toEqual({
        path,
        status: 403,
        text: expect.stringContaining('Lifecycle API is not enabled'),
      });
    }
    expect(stack.processes.prometheus.alive).toBe(true);
    expect((await fetch(`${prometheus}/-/ready`, withLogin(stack.webAuth))).status).toBe(200);
  });

  it('Alertmanager refuses it and keeps routing with the old one', async () => {
    const am = stack.urls.alertmanagers[0];
    const original = async () =>
      (await getJson<{ config: { original: string } }>(`${am}/api/v2/status`, withLogin(stack.webAuth)))
        .config.original;
    const configBefore = await original();
    writeFileSync(join(stack.paths.config, 'alertmanager', 'alertmanager.yml'), BROKEN);
    const refused = await reload(am, stack.webAuth);
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('failed to reload config');
    expect(await metricValue(am, 'alertmanager_config_last_reload_successful', stack.webAuth)).toBe(0);
    expect(await original()).toBe(configBefore);

    const alert = drillAlert('FaultDrillBrokenConfig');
    expect(await postAlerts([am], [alert], stack.webAuth)).toEqual([200]);
    const delivered = await waitFor(
      async () => {
        const got = sink.carrying(alert.labels.alertname, 'accepted');
        return got.length > 0 ? got : undefined;
      },
      {
        timeoutMs: 15_000,
        describe: () => `not routed after the refused reload: ${JSON.stringify(sink.requests)}`,
      },
    );
    expect(delivered[0].receiver).toBe('fault-hook');
    expect(delivered[0].alerts.map((a) => a.labels)).toEqual([alert.labels]);
    expect(stack.processes.alertmanager.alive).toBe(true);
  });
});
