import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startLocalStack,
  withLogin,
  type LocalPorts,
  type LocalStack,
  type WebCredentials,
} from '../../components/runtime/local';
import type { StackConfigInput } from '../../components/stack/config';

/** One alert of an Alertmanager webhook notification. */
export interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A request Alertmanager made to the sink, and what the sink answered. */
export interface Delivery {
  at: number;
  path: string;
  answered: number;
  receiver: string;
  alerts: WebhookAlert[];
}

/**
 * A webhook receiver on 127.0.0.1 that records every request. `answer` is the status it replies with,
 * so a test can take the notification endpoint down (500) and bring it back (200).
 */
export class WebhookSink {
  readonly requests: Delivery[] = [];
  answer = 200;
  url = '';
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        receiver?: string;
        alerts?: WebhookAlert[];
      };
      const answered = this.answer;
      this.requests.push({
        at: Date.now(),
        path: request.url ?? '',
        answered,
        receiver: body.receiver ?? '',
        alerts: body.alerts ?? [],
      });
      response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'down');
    });
  });

  /** A sink on a free port of 127.0.0.1, closed by cleanUpFaults. */
  static async start(): Promise<WebhookSink> {
    const sink = new WebhookSink();
    sinks.push(sink);
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    const address = sink.server.address();
    sink.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return sink;
  }

  /** Requests that carried an alert named `alertname`, answered with `status` class (2xx or 5xx). */
  carrying(alertname: string, answered: 'accepted' | 'refused'): Delivery[] {
    return this.requests.filter(
      (d) =>
        (answered === 'accepted' ? d.answered < 300 : d.answered >= 500) &&
        d.alerts.some((a) => a.labels.alertname === alertname),
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A stack made for fault tests: everything every second, one webhook receiver for all alerts, a
 * notification repeated only after an hour (so a second delivery is a duplicate, never a repeat).
 */
export function faultStackConfig(sinkUrl: string, alertmanagerReplicas = 1): StackConfigInput {
  return {
    platform: 'docker',
    prometheus: { scrapeInterval: '1s', scrapeTimeout: '1s', evaluationInterval: '1s' },
    alertmanager: {
      replicas: alertmanagerReplicas,
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
    },
    receivers: [{ name: 'fault-hook', webhook_configs: [{ url: `${sinkUrl}/hook` }] }],
    teams: { platform: { critical: ['fault-hook'], warning: ['fault-hook'] } },
    defaultReceiver: 'fault-hook',
  };
}

const roots: string[] = [];
const stacks: LocalStack[] = [];
const sinks: WebhookSink[] = [];

/** A temporary data folder, removed by cleanUpFaults. */
export function faultRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'promstack-faults-'));
  roots.push(root);
  return root;
}

/**
 * Starts the fault stack in `root` (a fresh temporary folder by default) on free ports, with extra
 * rule files deployed beside the generated ones; cleanUpFaults stops it, unless the test already did.
 */
export async function startFaultStack(
  config: StackConfigInput,
  options: { root?: string; ports?: LocalPorts; ruleFiles?: Record<string, string> } = {},
): Promise<LocalStack> {
  const stack = await startLocalStack({
    stack: config,
    services: [],
    environment: 'faults',
    root: options.root ?? faultRoot(),
    ports: options.ports ?? 'free',
    ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
    exampleBackend: false,
    tools: { 'grafana-server': undefined },
  });
  const stop = stack.stop.bind(stack);
  let stopped: Promise<void> | undefined;
  stack.stop = () => (stopped ??= stop());
  stacks.push(stack);
  return stack;
}

/** After a fault test file: stops its stacks, closes its sinks, removes its data folders. */
export async function cleanUpFaults(): Promise<void> {
  for (const stack of stacks.splice(0).reverse()) await stack.stop();
  for (const sink of sinks.splice(0)) await sink.close();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** An alert as Prometheus sends it: labels that route to the platform team's critical receivers. */
export function drillAlert(alertname: string) {
  return {
    labels: { alertname, severity: 'critical', team: 'platform', service: 'fault-drill' },
    annotations: { summary: `${alertname} fired by a fault test` },
    startsAt: new Date().toISOString(),
  };
}

/**
 * POSTs alerts to every Alertmanager, as Prometheus does, with the stack's login; returns the HTTP
 * status per URL (0: down).
 */
export async function postAlerts(
  urls: readonly string[],
  alerts: readonly object[],
  login: WebCredentials,
): Promise<number[]> {
  return Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(
          `${url}/api/v2/alerts`,
          withLogin(login, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(alerts),
            signal: AbortSignal.timeout(5000),
          }),
        );
        return response.status;
      } catch {
        return 0;
      }
    }),
  );
}

/**
 * The sum of a metric's series in a process's own /metrics (read with `login` where it asks for one),
 * over the series whose labels contain `labels` (e.g. `integration="webhook"`); undefined when it has
 * no series.
 */
export async function metricValue(
  url: string,
  name: string,
  login: WebCredentials | undefined,
  labels = '',
): Promise<number | undefined> {
  const response = await fetch(`${url}/metrics`, login ? withLogin(login) : {});
  if (!response.ok) throw new Error(`${url}/metrics: HTTP ${response.status}`);
  const text = await response.text();
  const values = text
    .split('\n')
    .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && line.includes(labels))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
