/**
 * Child process of `npm run bench`: runs the MonitoringStack component under Pulumi's mocks (the harness
 * of components/pulumi/testing.ts) for one catalogue size and platform, and prints one JSON line.
 *   node --import tsx bench/measure-pulumi.ts <services> <docker|kubernetes>
 */
import { installMocks, unwrapSecrets } from '../components/pulumi/testing';
import { MonitoringStack } from '../components/pulumi/stack';
import { BENCH_SECRETS, benchStackConfig, syntheticCatalogue } from './catalogue';
import { dataBytes, stateSize, type StateSize } from './state-size';
import { MiB, peakRssMiB } from './stats';

export interface PulumiFigures {
  services: number;
  platform: 'docker' | 'kubernetes';
  /** From the component's constructor to the last resource registration. */
  ms?: number;
  /** CPU time meanwhile (user and system, all threads). */
  cpuMs?: number;
  /** The program's failure (a ValidationError, say), when it did not deploy. */
  error?: string;
  resources: number;
  peakRssMiB: number;
  /**
   * Kubernetes only: ConfigMaps and Secrets as sent, their count and the largest data (keys and values,
   * what the API server holds to 1 MiB).
   */
  configMaps?: { count: number; largestBytes: number; overLimit: number };
  /** Kubernetes only: the largest object as JSON. */
  largestObject?: { name: string; bytes: number };
  /** Kubernetes only: the largest StatefulSet or Deployment as JSON (its pod spec names the ConfigMaps). */
  largestController?: { name: string; bytes: number };
  /** What Pulumi's state would hold: inputs and outputs of every resource, beside the config data. */
  state?: StateSize;
}

async function main(): Promise<void> {
  const services = syntheticCatalogue(Number(process.argv[2]));
  const platform = process.argv[3] as PulumiFigures['platform'];
  const mocks = installMocks('bench');
  const figures: PulumiFigures = { services: services.length, platform, resources: 0, peakRssMiB: 0 };
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  try {
    new MonitoringStack('bench', {
      stack: benchStackConfig(platform),
      services,
      environment: 'bench',
      secrets: BENCH_SECRETS,
    });
    await mocks.settle();
    figures.ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    figures.cpuMs = (used.user + used.system) / 1000;
  } catch (error) {
    figures.error = String((error as Error).message ?? error)
      .split('\n')
      .slice(0, 3)
      .join(' | ');
  }
  figures.resources = mocks.resources.length;
  if (!figures.error) figures.state = stateSize(mocks);
  figures.peakRssMiB = peakRssMiB();
  if (platform === 'kubernetes') {
    const sizes = mocks.resources
      .filter((r) => r.type === 'kubernetes:core/v1:ConfigMap' || r.type === 'kubernetes:core/v1:Secret')
      .map(dataBytes);
    const objects = mocks.resources
      .filter((r) => r.type.startsWith('kubernetes:'))
      .map((r) => ({
        name: r.name,
        type: r.type,
        bytes: Buffer.byteLength(JSON.stringify(unwrapSecrets(r.inputs)), 'utf8'),
      }));
    const largest = (list: typeof objects) =>
      list
        .map(({ name, bytes }) => ({ name, bytes }))
        .reduce((a, b) => (b.bytes > a.bytes ? b : a), { name: '', bytes: 0 });
    figures.largestObject = largest(objects);
    figures.largestController = largest(
      objects.filter(
        (o) => o.type === 'kubernetes:apps/v1:StatefulSet' || o.type === 'kubernetes:apps/v1:Deployment',
      ),
    );
    figures.configMaps = {
      count: sizes.length,
      largestBytes: Math.max(0, ...sizes),
      overLimit: sizes.filter((size) => size >= MiB).length,
    };
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

void main();
