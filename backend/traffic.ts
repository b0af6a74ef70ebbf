import { Agent, get, type ClientRequest } from 'node:http';

/** A mix of list and item reads, one unknown order (404) and the index page. */
export const DEFAULT_TRAFFIC_PATHS: readonly string[] = [
  '/api/orders',
  '/api/orders/1',
  '/api/orders/2',
  '/api/orders',
  '/api/orders/3',
  '/api/orders/404',
  '/api/orders/4',
  '/',
];

export interface TrafficOptions {
  /** Base URL of the service, such as `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Requests per second; fractions such as 0.5 are fine. */
  rps: number;
  /** Paths requested in turn; DEFAULT_TRAFFIC_PATHS when omitted. */
  paths?: readonly string[];
  /** Requests allowed to wait at once; when the service hangs, the generator skips instead of piling up. */
  maxOutstanding?: number;
  /** Gives up on a request after this long; default 10 s. */
  timeoutMs?: number;
}

export interface TrafficStats {
  sent: number;
  answered: number;
  failed: number;
  skipped: number;
}

export interface TrafficGenerator {
  readonly stats: Readonly<TrafficStats>;
  /** Stops sending, aborts requests still waiting and resolves when none is left. */
  stop(): Promise<void>;
}

/** Sends a steady stream of requests, so the service has something to measure when nobody calls it. */
export function startTraffic(options: TrafficOptions): TrafficGenerator {
  if (!(options.rps > 0) || !Number.isFinite(options.rps)) {
    throw new RangeError(`rps must be a positive number, got ${options.rps}`);
  }
  const paths = options.paths ?? DEFAULT_TRAFFIC_PATHS;
  if (paths.length === 0) throw new RangeError('paths must name at least one path');
  const maxOutstanding = options.maxOutstanding ?? 50;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: maxOutstanding });
  const outstanding = new Set<ClientRequest>();
  const stats: TrafficStats = { sent: 0, answered: 0, failed: 0, skipped: 0 };
  const startedAt = performance.now();
  let due = 0;
  let stopped: Promise<void> | undefined;

  const send = () => {
    const path = paths[(stats.sent + stats.skipped) % paths.length];
    if (outstanding.size >= maxOutstanding) {
      stats.skipped++;
      return;
    }
    stats.sent++;
    const request = get(new URL(path, options.baseUrl), { agent, timeout: timeoutMs }, (response) => {
      response.on('error', () => stats.failed++);
      response.once('end', () => stats.answered++);
      response.resume();
    });
    outstanding.add(request);
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', () => stats.failed++);
    request.once('close', () => outstanding.delete(request));
  };

  // Catches up from elapsed time rather than counting ticks, so a slow event loop (the cpuBurnMs fault)
  // does not lower the rate and any rps works with a coarse timer.
  const tickMs = Math.min(100, Math.max(10, 1000 / options.rps));
  const timer = setInterval(() => {
    const target = Math.floor(((performance.now() - startedAt) / 1000) * options.rps);
    for (; due < target; due++) send();
  }, tickMs);

  return {
    stats,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        const waiting = [...outstanding].map((request) => new Promise((done) => request.once('close', done)));
        for (const request of outstanding) request.destroy();
        void Promise.all(waiting).then(() => {
          agent.destroy();
          resolve();
        });
      });
      return stopped;
    },
  };
}
