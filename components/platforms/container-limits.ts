/**
 * Docker has no scheduler that reserves a container's share of the host, so every container gets hard
 * limits: the memory the workload asks for (as on Kubernetes, where requests equal limits for memory),
 * and CPU at twice the request, at least one core, so rule evaluation or a compaction may burst but one
 * container cannot take the host from the others.
 */
export interface ContainerLimits {
  /** Docker `--cpus`, e.g. `"1"` or `"1.5"`. */
  cpus: string;
  /** Docker `--memory`, in MiB as the Docker provider takes it. */
  memoryMiB: number;
}

const CPU_BURST = 2;

export function containerLimits(resources: { cpu: string; memory: string }): ContainerLimits {
  const cores = resources.cpu.endsWith('m')
    ? Number(resources.cpu.slice(0, -1)) / 1000
    : Number(resources.cpu);
  const cpus = Math.max(1, cores * CPU_BURST);
  return { cpus: String(Math.round(cpus * 100) / 100), memoryMiB: mebibytes(resources.memory) };
}

/**
 * A Kubernetes container's resources: the workload's CPU and memory as requests, and its memory as the
 * limit too, so that a pod never uses memory the scheduler did not reserve for it on its node.
 */
export function kubernetesResources(resources: { cpu: string; memory: string }) {
  return {
    requests: { cpu: resources.cpu, memory: resources.memory },
    // No CPU limit: throttling a TSDB compaction or a rule evaluation only makes it late.
    limits: { memory: resources.memory },
  };
}

/** A Kubernetes quantity in Mi, Gi or Ti as MiB. */
export function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi|Ti)$/.exec(quantity);
  if (!match)
    throw new Error(`memory ${JSON.stringify(quantity)} is not a Kubernetes quantity in Mi, Gi or Ti`);
  const factor = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[match[2] as 'Mi' | 'Gi' | 'Ti'];
  return Number(match[1]) * factor;
}
