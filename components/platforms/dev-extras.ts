import { ALERT_INBOX } from '../stack/alert-inbox';
import type { SynthResult } from '../stack/synth';
import { resolveWorkloadOptions, workloadEnv, type Workload, type WorkloadOptions } from './workload';

/*
 * The dev extras: processes a dev stack runs beside Prometheus, Alertmanager and Grafana, built from
 * this repository rather than pulled. The example backend (backend/) gives the rules and dashboards
 * something to watch; the alert inbox (components/runtime/channels) gives notifications somewhere to go.
 */

/**
 * The example backend is the catalogue's `orders` service (infra/services/orders.ts scrapes
 * `orders:8080` on Docker); published on the host at the port its local target uses, so that the fault
 * API has one address (`127.0.0.1:18080`) whether the stack runs on Docker or as local processes.
 */
export const EXAMPLE_BACKEND = {
  name: 'example-backend',
  alias: 'orders',
  port: 8080,
  hostPort: 18080,
  image: 'promstack/example-backend:local',
  build: { context: '.', dockerfile: 'backend/Dockerfile' },
  /** Requests per second the backend sends itself, so that dashboards and rules have data in dev. */
  trafficRps: '2',
} as const;

/** The user of the node image both extras are built on, by number (Kubernetes runAsNonRoot checks it). */
const NODE_USER = { uid: 1000, gid: 1000 } as const;

interface DevImage {
  name: string;
  alias: string;
  image: string;
  build: { context: string; dockerfile: string };
}

/**
 * A process built from this repository: no config or secret files, no volumes, a read-only root (on
 * Docker too: nothing is uploaded into it) and a small /tmp, the one place Node may write.
 */
function devWorkload(
  extra: DevImage,
  { env, ports, healthCheck }: Pick<Workload, 'env' | 'ports' | 'healthCheck'>,
): Workload {
  return {
    name: extra.name,
    image: extra.image,
    build: { ...extra.build },
    args: [],
    env,
    ports,
    configFiles: [],
    secretFiles: [],
    configDirs: [],
    volumes: [],
    scratchDirs: [{ path: '/tmp', sizeHint: '16Mi' }],
    healthCheck,
    user: NODE_USER,
    replicas: 1,
    // Small Node processes; the limits keep a runaway one (the drill's CPU burn) from taking the host.
    resources: { cpu: '250m', memory: '256Mi' },
    aliases: [extra.alias],
    readOnlyRootFilesystem: true,
  };
}

/** The alert inbox as a container (Docker only), its HTTP port published on `docker.alertInboxPort`. */
export function alertInboxWorkload(synth: SynthResult): Workload {
  const { docker } = synth.config;
  return devWorkload(ALERT_INBOX, {
    env: workloadEnv({
      HOST: '0.0.0.0',
      HTTP_PORT: String(ALERT_INBOX.port),
      SMTP_PORT: String(ALERT_INBOX.smtpPort),
    }),
    ports: [
      {
        name: 'http',
        container: ALERT_INBOX.port,
        publish: { hostAddress: docker.bindAddress, hostPort: docker.alertInboxPort },
      },
      { name: 'smtp', container: ALERT_INBOX.smtpPort },
    ],
    healthCheck: { httpPath: '/healthz', port: ALERT_INBOX.port, startPeriodSeconds: 5 },
  });
}

export interface ExampleBackendOptions extends WorkloadOptions {
  /** Port the example backend listens on as a local process. Default EXAMPLE_BACKEND.hostPort. */
  exampleBackendPort?: number;
}

/**
 * The instrumented example backend (backend/), built from its Dockerfile on Docker; a local process
 * listens where the catalogue's local target scrapes it (EXAMPLE_BACKEND.hostPort).
 */
export function exampleBackendWorkload(synth: SynthResult, options: ExampleBackendOptions = {}): Workload {
  const o = resolveWorkloadOptions(synth, options);
  const port =
    o.platform === 'local' ? (options.exampleBackendPort ?? EXAMPLE_BACKEND.hostPort) : EXAMPLE_BACKEND.port;
  return devWorkload(EXAMPLE_BACKEND, {
    env: workloadEnv({
      HOST: o.host,
      PORT: String(port),
      SERVICE_NAME: EXAMPLE_BACKEND.alias,
      TRAFFIC_RPS: EXAMPLE_BACKEND.trafficRps,
    }),
    ports: [
      {
        name: 'http',
        container: port,
        publish:
          o.platform === 'docker'
            ? { hostAddress: synth.config.docker.bindAddress, hostPort: EXAMPLE_BACKEND.hostPort }
            : undefined,
      },
    ],
    healthCheck: { httpPath: '/healthz', port, startPeriodSeconds: 10 },
  });
}
