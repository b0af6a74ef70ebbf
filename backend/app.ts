import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { ValidationError } from '../components/model/errors';
import { FaultInjector, type FaultsInput } from './faults';
import { BodyTooLarge, readBody, reply, replyJson } from './http';
import { createMetrics, type BackendMetrics } from './metrics';
import { burnCpu, findOrder, ORDERS, sleep, workTimes } from './orders';
import { API_ROUTES, matchRoute, methodLabel, ROUTES, type RouteMatch } from './routes';

/** `status` label of requests whose client went away before the answer (nginx's convention). */
export const CLIENT_CLOSED_STATUS = '499';
/** `status` of /api requests the errorRate fault fails. */
export const INJECTED_ERROR_STATUS = '500';
const MAX_CONTROL_BODY = 64 * 1024;

export interface AppOptions {
  /** Where the metrics go; a fresh Registry when omitted, never prom-client's global one. */
  registry?: Registry;
  /** Shown by `GET /`; default `example-backend`. */
  serviceName?: string;
  /** process_* and nodejs_* metrics; default true. */
  defaultMetrics?: boolean;
  /** Upper bound of the simulated work of an /api request, in ms; default 20. */
  simulatedWorkMs?: number;
  /** Faults in effect from the start. */
  faults?: FaultsInput;
  /** How long close() lets requests in progress finish before it cuts their connections; default 5000 ms. */
  shutdownGraceMs?: number;
  /** Receives one line per notable event (fault changes, handler crashes); silent by default. */
  log?: (line: string) => void;
}

export interface App {
  server: Server;
  registry: Registry;
  faults: FaultInjector;
  metrics: BackendMetrics;
  /** Starts listening; resolves with the base URL, such as `http://127.0.0.1:40123`. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Stops accepting connections, answers requests held by `hang` with 503, lets the others finish (up to
   * shutdownGraceMs) and resolves when the server is closed. Safe to call more than once.
   */
  close(): Promise<void>;
}

interface Exchange extends RouteMatch {
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborts when the client goes away before its answer. */
  signal: AbortSignal;
}

type Handler = (exchange: Exchange) => Promise<void> | void;

/** The path of a request target without its query; '' (no route) for targets that are not URLs. */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://backend').pathname;
  } catch {
    return '';
  }
}

export function createApp(options: AppOptions = {}): App {
  const registry = options.registry ?? new Registry();
  const faults = new FaultInjector(options.faults);
  const serviceName = options.serviceName ?? 'example-backend';
  const log = options.log ?? (() => undefined);
  const nextWorkMs = workTimes(options.simulatedWorkMs ?? 20);
  let ordersInProgress = 0;
  const metrics = createMetrics(registry, {
    defaultMetrics: options.defaultMetrics,
    queueDepth: () => ordersInProgress + faults.current.queueDepth,
  });
  let closing: Promise<void> | undefined;

  /** Waits while hung; false when the request must not go on (client gone, or 503 sent on shutdown). */
  async function passHang({ res, signal }: Exchange): Promise<boolean> {
    if (closing) return true;
    if ((await faults.holdWhileHung(signal)) === 'released') return true;
    replyJson(res, 503, { error: 'shutting down' });
    return false;
  }

  async function api(exchange: Exchange, answer: () => void): Promise<void> {
    // Decided on arrival, so the n-th request fails whatever order the held or delayed ones finish in.
    const fails = faults.nextApiFails();
    ordersInProgress++;
    try {
      if (!(await passHang(exchange))) return;
      const { cpuBurnMs, latencyMs, errorRate } = faults.current;
      if (cpuBurnMs > 0) burnCpu(cpuBurnMs);
      await sleep(latencyMs + nextWorkMs(), exchange.signal);
      if (exchange.signal.aborted) return;
      if (fails)
        replyJson(exchange.res, Number(INJECTED_ERROR_STATUS), {
          error: `injected fault: errorRate ${errorRate}`,
        });
      else answer();
    } finally {
      ordersInProgress--;
    }
  }

  const handlers: Record<string, Partial<Record<string, Handler>>> = {
    [ROUTES.root]: {
      GET: ({ res }) => replyJson(res, 200, { service: serviceName, routes: Object.values(ROUTES) }),
    },
    [ROUTES.health]: { GET: ({ res }) => replyJson(res, 200, { status: 'ok' }) },
    [ROUTES.orders]: { GET: (x) => api(x, () => replyJson(x.res, 200, { orders: ORDERS })) },
    [ROUTES.order]: {
      GET: (x) =>
        api(x, () => {
          const order = findOrder(x.params.id);
          if (order) replyJson(x.res, 200, order);
          else replyJson(x.res, 404, { error: `order ${JSON.stringify(x.params.id)} not found` });
        }),
    },
    [ROUTES.metrics]: {
      GET: async (x) => {
        if (!(await passHang(x))) return;
        const body = await registry.metrics();
        reply(x.res, 200, body, registry.contentType);
      },
    },
    [ROUTES.faults]: {
      GET: ({ res }) => replyJson(res, 200, faults.current),
      PUT: putFaults,
      DELETE: ({ res }) => {
        const now = faults.reset();
        log('faults reset');
        replyJson(res, 200, now);
      },
    },
  };

  // The series a fault makes are there from the start, at 0: a series born with the fault has no
  // earlier sample, so rate() over it stays empty until a second scrape (Prometheus's "avoid missing
  // metrics"), and an error ratio would read nothing for the first scrape interval of an outage.
  for (const route of API_ROUTES)
    for (const method of Object.keys(handlers[route] ?? {}))
      for (const status of ['200', INJECTED_ERROR_STATUS]) metrics.requests.inc({ method, route, status }, 0);

  async function putFaults({ req, res }: Exchange): Promise<void> {
    let text: string;
    try {
      text = await readBody(req, MAX_CONTROL_BODY);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        replyJson(res, 413, { error: `${error.message}: send only the fault fields` });
      }
      return;
    }
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      replyJson(res, 400, {
        error: `the body is not valid JSON (${reason}): send an object such as {"errorRate":0.25}`,
      });
      return;
    }
    try {
      const now = faults.set(input);
      log(`faults set: ${JSON.stringify(now)}`);
      replyJson(res, 200, now);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      replyJson(res, 400, { error: error.message, issues: error.issues });
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const match = matchRoute(pathOf(req.url));
    const method = methodLabel(req.method);
    const labels = { method, route: match.route };
    const aborted = new AbortController();
    metrics.inFlight.inc();

    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      metrics.inFlight.dec();
      const finished = res.writableFinished;
      metrics.requests.inc({ ...labels, status: finished ? String(res.statusCode) : CLIENT_CLOSED_STATUS });
      metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (finished) metrics.responseSize.observe(Number(res.getHeader('Content-Length') ?? 0));
    };
    res.once('finish', record);
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
      record();
    });
    if (closing) res.setHeader('Connection', 'close');

    const byMethod = handlers[match.route];
    const handler = byMethod?.[method];
    try {
      if (handler) await handler({ ...match, req, res, signal: aborted.signal });
      else if (byMethod) {
        res.setHeader('Allow', Object.keys(byMethod).join(', '));
        replyJson(res, 405, { error: `${method} is not allowed on ${match.route}` });
      } else
        replyJson(res, 404, {
          error: `no route for ${JSON.stringify(req.url)}`,
          routes: Object.values(ROUTES),
        });
    } catch (error) {
      log(`error on ${method} ${match.route}: ${error instanceof Error ? error.stack : String(error)}`);
      replyJson(res, 500, { error: 'internal error' });
    }
  }

  const server = createServer((req, res) => void serve(req, res));
  const graceMs = options.shutdownGraceMs ?? 5000;

  return {
    server,
    registry,
    faults,
    metrics,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${hostPart}:${address.port}`);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        faults.releaseAll('aborted');
        if (!server.listening) return resolve();
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
