/** The few HTTP calls the drill makes to Prometheus, Alertmanager and the example backend. */

import { Agent, get, type ClientRequest } from 'node:http';
import { withLogin, type WebCredentials } from '../local/web-auth';

const TIMEOUT_MS = 10_000;

/** A request that must succeed, with the login of Prometheus and Alertmanager when given. */
async function request(url: string, init: RequestInit = {}, login?: WebCredentials): Promise<Response> {
  const response = await fetch(url, {
    ...(login ? withLogin(login, init) : init),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

async function json<T>(url: string, init: RequestInit = {}, login?: WebCredentials): Promise<T> {
  return (await (await request(url, init, login)).json()) as T;
}

const JSON_BODY = { 'content-type': 'application/json' };

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export class PrometheusClient {
  constructor(
    readonly url: string,
    private readonly login: WebCredentials,
  ) {}

  /** POST /api/v1/query at `time` (ms since the epoch) or now: the result data; throws on a PromQL error. */
  private async evaluate<T>(expr: string, time?: number): Promise<T> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', String(time / 1000));
    const body = await json<{ status: string; error?: string; data: T }>(
      `${this.url}/api/v1/query`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      },
      this.login,
    );
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error ?? body.status}`);
    return body.data;
  }

  /** An instant query, at `time` (ms since the epoch) or now; throws on a PromQL error. */
  async query(expr: string, time?: number): Promise<Sample[]> {
    const data = await this.evaluate<{
      resultType: string;
      result: { metric: Record<string, string>; value: [number, string] }[];
    }>(expr, time);
    if (data.resultType === 'scalar') {
      const [, value] = data.result as unknown as [number, string];
      return [{ metric: {}, value: Number(value) }];
    }
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The single value of a query, or undefined when it returns nothing. */
  async value(expr: string, time?: number): Promise<number | undefined> {
    const result = await this.query(expr, time);
    return result.length > 0 ? result[0].value : undefined;
  }

  /** The raw samples of every series `selectorExpr` selects within `lookback` seconds before `time` (ms). */
  async rawSamples(
    selectorExpr: string,
    time: number,
    lookback: number,
  ): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
    const query = `${selectorExpr}[${Math.max(1, Math.round(lookback * 1000))}ms]`;
    const data = await this.evaluate<{
      result: { metric: Record<string, string>; values: [number, string][] }[];
    }>(query, time);
    return data.result.map((r) => ({
      metric: r.metric,
      values: r.values.map(([t, v]) => [t * 1000, Number(v)] as [number, number]),
    }));
  }

  /** The time (ms) of the latest raw sample within `lookback` seconds before `time` (ms), if any. */
  async lastSampleAt(selectorExpr: string, time: number, lookback: number): Promise<number | undefined> {
    const times = (await this.rawSamples(selectorExpr, time, lookback)).flatMap((r) =>
      r.values.map(([t]) => t),
    );
    return times.length > 0 ? Math.max(...times) : undefined;
  }

  /**
   * How fast the counters `selectorExpr` selects grew, summed, per second, from their raw samples within
   * `lookback` seconds before `time` (ms): (last − first) / their time apart, per series. Unlike rate(),
   * nothing is extrapolated to the window's edges, so a window only a few scrapes long reads true.
   * Undefined when no series has two samples there; a series whose counter reset counts from its reset.
   */
  async counterRate(selectorExpr: string, time: number, lookback: number): Promise<number | undefined> {
    let total: number | undefined;
    for (const { values } of await this.rawSamples(selectorExpr, time, lookback)) {
      const slope = counterSlope(values);
      if (slope !== undefined) total = (total ?? 0) + slope;
    }
    return total;
  }

  /** Alerts in the ALERTS series now, in `state` (firing or pending), matching every label given. */
  async alerts(labels: Record<string, string>, state: 'firing' | 'pending'): Promise<Sample[]> {
    return this.query(`ALERTS{${selector({ ...labels, alertstate: state })}}`);
  }
}

/**
 * Per second, how fast a counter grew over its samples ([ms, value], oldest first): (last − first) /
 * their time apart, counted from its last reset. Undefined with fewer than two samples after it.
 */
export function counterSlope(values: readonly [number, number][]): number | undefined {
  let start = 0;
  for (let k = 1; k < values.length; k++) if (values[k][1] < values[k - 1][1]) start = k;
  if (values.length - start < 2) return undefined;
  const [[t0, v0], [t1, v1]] = [values[start], values[values.length - 1]];
  return t1 > t0 ? ((v1 - v0) * 1000) / (t1 - t0) : undefined;
}

/** A label selector body `a="x",b="y"`, values escaped as PromQL strings. */
export function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
}

/** An alert as Alertmanager's v2 API lists it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  fingerprint: string;
  startsAt: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[]; mutedBy?: string[] };
}

export class AlertmanagerClient {
  /** Every member of the cluster; reads go to the first, silences gossip from it to the others. */
  constructor(
    readonly urls: readonly string[],
    private readonly login: WebCredentials,
  ) {}

  /** Active (not resolved) alerts whose labels contain `labels`, with their state. */
  async alerts(labels: Record<string, string>): Promise<AlertmanagerAlert[]> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(labels))
      params.append('filter', `${name}=${JSON.stringify(value)}`);
    return json<AlertmanagerAlert[]>(`${this.urls[0]}/api/v2/alerts?${params.toString()}`, {}, this.login);
  }

  /**
   * Alerts as the groups of the routing tree hold them: only here does Alertmanager tell that a group
   * is muted by a time interval (`mutedBy`), which /api/v2/alerts leaves empty.
   */
  async groupedAlerts(labels: Record<string, string>): Promise<AlertmanagerAlert[]> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(labels))
      params.append('filter', `${name}=${JSON.stringify(value)}`);
    const groups = await json<{ alerts: AlertmanagerAlert[] }[]>(
      `${this.urls[0]}/api/v2/alerts/groups?${params.toString()}`,
      {},
      this.login,
    );
    return groups.flatMap((g) => g.alerts);
  }

  /** Creates a silence from now for `minutes`; returns its id. */
  async silence(labels: Record<string, string>, minutes: number, comment: string): Promise<string> {
    const now = Date.now();
    const body = await json<{ silenceID: string }>(
      `${this.urls[0]}/api/v2/silences`,
      {
        method: 'POST',
        headers: JSON_BODY,
        body: JSON.stringify({
          matchers: Object.entries(labels).map(([name, value]) => ({
            name,
            value,
            isRegex: false,
            isEqual: true,
          })),
          startsAt: new Date(now).toISOString(),
          endsAt: new Date(now + minutes * 60_000).toISOString(),
          createdBy: 'promstack drill',
          comment,
        }),
      },
      this.login,
    );
    return body.silenceID;
  }

  async expireSilence(id: string): Promise<void> {
    await request(
      `${this.urls[0]}/api/v2/silence/${encodeURIComponent(id)}`,
      { method: 'DELETE' },
      this.login,
    );
  }

  /** The state of a silence on every member: gossip takes a moment to carry it. */
  async silenceStates(id: string): Promise<string[]> {
    return Promise.all(
      this.urls.map(
        async (url) =>
          (
            await json<{ status: { state: string } }>(
              `${url}/api/v2/silence/${encodeURIComponent(id)}`,
              {},
              this.login,
            )
          ).status.state,
      ),
    );
  }

  /** POST /-/reload on every member: each reads its config file again. */
  async reload(): Promise<void> {
    await Promise.all(this.urls.map((url) => request(`${url}/-/reload`, { method: 'POST' }, this.login)));
  }

  /** The config text each member runs now. */
  async configs(): Promise<string[]> {
    return Promise.all(
      this.urls.map(
        async (url) =>
          (await json<{ config: { original: string } }>(`${url}/api/v2/status`, {}, this.login)).config
            .original,
      ),
    );
  }
}

/** The example backend's fault API (backend/README.md). */
export class BackendClient {
  constructor(readonly url: string) {}

  /** Replaces the whole fault state: a field left out is off. */
  async setFaults(faults: Record<string, unknown>): Promise<void> {
    await retried(() =>
      request(`${this.url}/control/faults`, {
        method: 'PUT',
        headers: JSON_BODY,
        body: JSON.stringify(faults),
      }),
    );
  }

  async clearFaults(): Promise<void> {
    await retried(() => request(`${this.url}/control/faults`, { method: 'DELETE' }));
  }

  /**
   * Sends GET /api/orders at `perSecond` until stopped, rising to that rate over `rampSeconds`. At most
   * `maxInFlight` wait at once: when the backend falls behind, requests are dropped rather than piled
   * on, so a backlog drains instead of growing; requests the sender itself fell behind with are dropped
   * too, never sent in a burst.
   */
  startLoad(
    perSecond: number,
    options: { maxInFlight: number; rampSeconds: number },
  ): {
    stop: () => Promise<void>;
  } {
    const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
    const requests = new Set<ClientRequest>();
    const started = performance.now();
    const tickMs = 20;
    let due = 0;
    let sent = 0;
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const ramp = Math.min(1, elapsed / Math.max(options.rampSeconds, 0.001));
      // Requests due so far on a linear ramp, then at the full rate.
      const total =
        elapsed < options.rampSeconds
          ? (perSecond * ramp * elapsed) / 2
          : (perSecond * options.rampSeconds) / 2 + perSecond * (elapsed - options.rampSeconds);
      due = Math.floor(total);
      sent = Math.max(sent, due - Math.ceil((perSecond * tickMs) / 1000));
      for (; sent < due; sent++) {
        if (requests.size >= options.maxInFlight) continue;
        const request = get(`${this.url}/api/orders`, { agent, timeout: 30_000 }, (response) => {
          response.resume();
          response.on('error', () => undefined);
        });
        requests.add(request);
        request.once('timeout', () => request.destroy());
        request.on('error', () => undefined);
        request.once('close', () => requests.delete(request));
      }
    }, tickMs);
    return {
      stop: async () => {
        clearInterval(timer);
        const closed = [...requests].map((r) => new Promise((resolve) => r.once('close', resolve)));
        for (const request of requests) request.destroy();
        await Promise.all(closed);
        agent.destroy();
      },
    };
  }
}

/** A control call to a backend that may be slow to answer (its event loop busy with a CPU fault). */
async function retried<T>(call: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts) throw error;
    }
  }
}
