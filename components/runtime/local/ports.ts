import { createServer } from 'node:net';
import { EXAMPLE_BACKEND } from '../../platforms/dev-extras';
import type { StackConfig } from '../../stack/config';
import { freePort } from '../processes';

/** Ports of a local stack on 127.0.0.1. */
export interface LocalPorts {
  prometheus: number;
  /** One entry per Alertmanager replica: its web (API) port and its gossip port. */
  alertmanagers: { web: number; cluster: number }[];
  grafana: number;
  exampleBackend: number;
}

/**
 * The ports a person already knows from the stack's Docker settings: Prometheus and Alertmanager where
 * Docker publishes them, Grafana on its port, the backend where the catalogue's local target scrapes it.
 * Alertmanager member N listens on alertmanagerPort + 2N and gossips on the port after it, so that a
 * lone member gets the upstream defaults (9093, 9094).
 */
export function defaultLocalPorts(config: StackConfig): LocalPorts {
  const base = config.docker.alertmanagerPort;
  return {
    prometheus: config.docker.prometheusPort,
    alertmanagers: Array.from({ length: config.alertmanager.replicas }, (_, i) => ({
      web: base + 2 * i,
      cluster: base + 2 * i + 1,
    })),
    grafana: config.grafana.port,
    exampleBackend: EXAMPLE_BACKEND.hostPort,
  };
}

/** Distinct ports nobody listens on now, for stacks that must not collide (tests, a second stack). */
export async function freeLocalPorts(alertmanagerReplicas: number): Promise<LocalPorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (port > 0 && !taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const alertmanagers: LocalPorts['alertmanagers'] = [];
  for (let i = 0; i < alertmanagerReplicas; i++)
    alertmanagers.push({ web: await next(), cluster: await next() });
  return { prometheus: await next(), alertmanagers, grafana: await next(), exampleBackend: await next() };
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}
