import type { CliFigures } from './measure-cli';
import type { PulumiFigures } from './measure-pulumi';
import type { SynthFigures } from './measure-synth';
import { MiB } from './stats';

export interface BenchResults {
  date: string;
  machine: { nproc: number; model: string; memoryGiB: number; node: string };
  sizes: { services: number; synth: SynthFigures; pulumi: PulumiFigures[]; cli?: CliFigures }[];
  targets?: TargetCheck[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const mib = (bytes: number) =>
  bytes < MiB ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / MiB).toFixed(1)} MiB`;
const count = (n: number) => n.toLocaleString('en-US');
/** An error as one table cell: first line only, no pipes. */
const failure = (error: string, length: number) =>
  `fails: ${error
    .replace(/\s*\|\s*/g, ' ')
    .replace(/^\d+ validation errors?:\s*/, '')
    .slice(0, length)}`;

/**
 * Pulumi's state against the config it deploys: the state keeps every resource's inputs and outputs, so
 * the config data is in it twice at least (the ConfigMaps' or containers' inputs and outputs, JSON-escaped);
 * the second ratio is the state against what those carriers alone take in it.
 */
function stateCell(figures: PulumiFigures | undefined): string {
  const state = figures?.state;
  if (!state) return '—';
  return `${mib(state.bytes)}: ${(state.bytes / state.configDataBytes).toFixed(2)}x the config data (${mib(state.configDataBytes)}), ${(state.bytes / state.carrierBytes).toFixed(2)}x its carriers`;
}

function pulumiCell(figures: PulumiFigures | undefined): string {
  if (!figures) return '—';
  if (figures.error) return failure(figures.error, 80);
  return `${seconds(figures.ms)} (${count(figures.resources)} res., ${Math.round(figures.peakRssMiB)} MiB)`;
}

/** The figures as a Markdown table, one row per catalogue size, then the targets. */
export function renderTable(results: BenchResults): string {
  const header = [
    'services',
    'synth median (runs; first)',
    'peak RSS (1 synth; all runs)',
    'floor: yaml + JSON libraries',
    'synth / floor',
    'own writers alone',
    'files (rendered)',
    'largest file',
    'Pulumi mocks: docker',
    'Pulumi mocks: kubernetes',
    'largest ConfigMap',
    'Pulumi state: kubernetes',
  ];
  const rows = results.sizes.map(({ services, synth, pulumi }) => {
    const k8s = pulumi.find((p) => p.platform === 'kubernetes');
    return [
      count(services),
      `${seconds(synth.medianMs)} (${synth.runs}; ${seconds(synth.runMs[0])})`,
      `${Math.round(synth.firstRunPeakRssMiB)} MiB; ${Math.round(synth.peakRssMiB)} MiB`,
      `${seconds(synth.floor.medianMs)} (${seconds(synth.floor.yamlMs)} + ${seconds(synth.floor.jsonMs)})`,
      `${(synth.medianMs / synth.floor.medianMs).toFixed(2)}x`,
      seconds(synth.writerFloorMs),
      `${count(synth.files.count)}, ${mib(synth.files.bytes)}`,
      `${mib(synth.files.largestBytes)} ${synth.files.largestPath}`,
      pulumiCell(pulumi.find((p) => p.platform === 'docker')),
      pulumiCell(k8s),
      k8s?.configMaps && !k8s.error ? `${mib(k8s.configMaps.largestBytes)} of ${k8s.configMaps.count}` : '—',
      stateCell(k8s),
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  let text = line(header) + line(header.map(() => '---')) + rows.map(line).join('');
  text += cliTable(results, line);
  if (results.targets?.length) {
    text += '\n' + line(['target', 'measured', 'met']) + line(['---', '---', '---']);
    for (const t of results.targets) text += line([t.target, t.measured, t.met ? 'yes' : '**no**']);
  }
  return text;
}

/** `check` and `diff` as a user runs them (bench/measure-cli.ts), when measured. */
function cliTable(results: BenchResults, line: (cells: string[]) => string): string {
  const measured = results.sizes.filter((s) => s.cli);
  if (measured.length === 0) return '';
  const run = (f: { ms: number; cpuMs: number }) => `${seconds(f.ms)} (${seconds(f.cpuMs)} CPU)`;
  const header = [
    'services',
    'check, empty cache (CPU)',
    'check, one service changed (CPU)',
    'diff, one service changed (CPU)',
    'alerts routed',
    'check verdict',
  ];
  const rows = measured.map(({ services, cli }) => {
    const f = cli as CliFigures;
    return [
      count(services),
      run(f.checkCold),
      run(f.checkOneChanged),
      `${run(f.diff)}, ${f.diff.changedFiles} files`,
      count(f.routedAlerts),
      f.ok ? 'passed' : `failed: ${f.problems.join('; ').replace(/\|/g, '/').slice(0, 120)}`,
    ];
  });
  return `\n${line(header)}${line(header.map(() => '---'))}${rows.map(line).join('')}`;
}

/** The targets, checked against whichever sizes were measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const at = (n: number) => results.sizes.find((s) => s.services === n);
  const checks: TargetCheck[] = [];
  const thousand = at(1000);
  if (thousand) {
    const { synth } = thousand;
    checks.push(
      {
        target: '1,000 services: synth < 2 s',
        measured: seconds(synth.medianMs),
        met: synth.medianMs < 2000,
      },
      {
        target: '1,000 services: peak RSS < 500 MB (a fresh process, one synth)',
        measured: `${Math.round((synth.firstRunPeakRssMiB * MiB) / 1e6)} MB (${Math.round((synth.peakRssMiB * MiB) / 1e6)} MB over ${synth.runs} runs)`,
        met: synth.firstRunPeakRssMiB * MiB < 500e6,
      },
      {
        target: '1,000 services: synth within 3x of the serialisation floor',
        measured: `${(synth.medianMs / synth.floor.medianMs).toFixed(2)}x`,
        met: synth.medianMs <= 3 * synth.floor.medianMs,
      },
      {
        target: "1,000 services: synth within 2.5x of its own writers (issue 17's floor)",
        measured: `${(synth.medianMs / synth.writerFloorMs).toFixed(2)}x (${seconds(synth.writerFloorMs)}); by CPU ${(synth.medianCpuMs / synth.writerFloorCpuMs).toFixed(2)}x`,
        met: synth.medianMs <= 2.5 * synth.writerFloorMs,
      },
    );
    const state = thousand.pulumi.find((p) => p.platform === 'kubernetes')?.state;
    if (state) {
      checks.push({
        target:
          '1,000 services: Pulumi state (kubernetes) <= 1.2x the ConfigMap data as the state holds it (inputs and outputs)',
        measured: `${(state.bytes / state.carrierBytes).toFixed(2)}x; against the raw data ${(state.bytes / state.configDataBytes).toFixed(2)}x, of which the ConfigMaps' own inputs and outputs take ${(state.carrierBytes / state.configDataBytes).toFixed(2)}x`,
        met: state.bytes <= 1.2 * state.carrierBytes,
      });
    }
    for (const p of thousand.pulumi) {
      checks.push({
        target: `1,000 services: Pulumi program under mocks (${p.platform}) < 20 s`,
        measured: p.error ? failure(p.error, 80) : seconds(p.ms),
        met: !p.error && (p.ms ?? Infinity) < 20_000,
      });
    }
  }
  if (thousand?.cli) {
    const { cli } = thousand;
    checks.push(
      {
        target: `1,000 services: check < 60 s on 2 cores (${cli.parallelism} here), empty cache`,
        measured: `${seconds(cli.checkCold.ms)} (one service changed after it: ${seconds(cli.checkOneChanged.ms)})`,
        met: cli.checkCold.ms < 60_000,
      },
      {
        target: '1,000 services: diff of a one-service change < 10 s',
        measured: seconds(cli.diff.ms),
        met: cli.diff.ms < 10_000,
      },
    );
  }
  const fiveThousand = at(5000);
  if (thousand && fiveThousand) {
    const ratio = fiveThousand.synth.medianMs / thousand.synth.medianMs;
    const cpuRatio = fiveThousand.synth.medianCpuMs / thousand.synth.medianCpuMs;
    checks.push({
      target: '5,000 services: synth within 5.5x of 1,000 services',
      measured: `${ratio.toFixed(2)}x; by CPU ${cpuRatio.toFixed(2)}x`,
      met: ratio <= 5.5,
    });
  }
  for (const { services, pulumi } of results.sizes) {
    const k8s = pulumi.find((p) => p.platform === 'kubernetes');
    if (!k8s) continue;
    checks.push({
      target: `${count(services)} services: every ConfigMap and Secret < 1 MiB, program deploys`,
      measured: k8s.error ? failure(k8s.error, 120) : `largest ${mib(k8s.configMaps?.largestBytes ?? 0)}`,
      met: !k8s.error && (k8s.configMaps?.overLimit ?? 0) === 0,
    });
  }
  return checks;
}
