/**
 * Child process of `npm run bench`: synthesises one catalogue size several times and prints one JSON
 * line on stdout. Run alone in its own process so that its peak RSS is the synth's, not the bench's.
 *   node --expose-gc --import tsx bench/measure-synth.ts <services> <runs>
 */
import { parse, stringify } from 'yaml';
import { peakRssMiB, median, timed } from './stats';
import { OUTPUT_PATHS } from '../components/stack/paths';

const ALREADY_LOADED_MIB = peakRssMiB();
// Imported after the first sample, so that the figure below says what loading the code costs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthStack } = require('../components/stack/synth') as typeof import('../components/stack/synth');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const catalogue = require('./catalogue') as typeof import('./catalogue');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writers = require('../components/model/yaml') as typeof import('../components/model/yaml');

/** The YAML library's options renderYaml uses, so the floor serialises the same style. */
const YAML_OPTIONS = { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0, indent: 2 } as const;

export interface SynthFigures {
  services: number;
  platform: 'kubernetes';
  runs: number;
  /** Synth of each run, in order; the first includes JIT warm-up. */
  runMs: number[];
  medianMs: number;
  /** CPU time of each run (user and system, all threads of the process). */
  cpuMs: number[];
  medianCpuMs: number;
  /** Building the catalogue with defineService. */
  catalogueMs: number;
  /** RSS after node, tsx and the bench's own imports, before the program's modules. */
  baseRssMiB: number;
  /** RSS after loading the program's modules and building the catalogue. */
  loadedRssMiB: number;
  /**
   * Peak RSS of the process after its first synth: what one `promstack synth` or `pulumi up` needs (a
   * fresh process, one synth). The figure the memory target is checked against.
   */
  firstRunPeakRssMiB: number;
  /**
   * Peak RSS over every run (before the floor measurement allocates its own copies). Each run starts
   * after a full collection, so this stays near the first run's unless a run needs more.
   */
  peakRssMiB: number;
  files: { count: number; bytes: number; largestBytes: number; largestPath: string };
  /** Bytes and file count by kind: prometheus.yml, rules, tests, dashboards, other. */
  kinds: Record<string, { count: number; bytes: number }>;
  /** Serialising the same objects with the yaml and JSON libraries alone (median of `runs`). */
  floor: { medianMs: number; yamlMs: number; jsonMs: number; runMs: number[] };
  /**
   * The same objects through the project's own writers (renderYaml, renderJson), median of `runs`: how
   * much of a synth is serialisation now that renderYaml no longer builds the library's node tree.
   */
  writerFloorMs: number;
  /** CPU time of the same, median of `runs`: steadier than wall time on a shared machine. */
  writerFloorCpuMs: number;
  summary: { alerts: number; recordingRules: number; dashboards: number };
}

/** A full collection, when the bench started node with --expose-gc (bench/run.ts does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function kindOf(path: string): string {
  if (path === OUTPUT_PATHS.prometheusConfig) return 'prometheus.yml';
  if (path.startsWith(OUTPUT_PATHS.scrapeDir)) return 'scrape';
  if (path.startsWith(OUTPUT_PATHS.rulesDir)) return 'rules';
  if (path.startsWith(OUTPUT_PATHS.testsDir)) return 'tests';
  if (path.startsWith(OUTPUT_PATHS.dashboardsDir)) return 'dashboards';
  return 'other';
}

/**
 * One timed synth, keeping its files and counts only. In a function of its own so that nothing of the
 * synth's typed result outlives it: held in the caller's loop, a stack slot kept the previous run's
 * result alive through the next run (at 5,000 services each run was slower than the one before).
 */
function synthOnce(
  config: unknown,
  services: Parameters<typeof synthStack>[1],
): { ms: number; cpuMs: number; files: Record<string, string>; summary: SynthFigures['summary'] } {
  const run = timed(() => synthStack(config, services, { environment: 'bench' }));
  const { files, summary } = run.value;
  return {
    ms: run.ms,
    cpuMs: run.cpuMs,
    files,
    summary: {
      alerts: summary.alerts.length,
      recordingRules: summary.recordingRules,
      dashboards: summary.dashboards.length,
    },
  };
}

function main(): void {
  const services = Number(process.argv[2]);
  const runs = Number(process.argv[3] ?? 5);
  const config = () => catalogue.benchStackConfig('kubernetes');
  const built = timed(() => catalogue.syntheticCatalogue(services));
  const loadedRssMiB = peakRssMiB();
  const runMs: number[] = [];
  const cpuMs: number[] = [];
  let files: Record<string, string> = {};
  let summary = { alerts: 0, recordingRules: 0, dashboards: 0 };
  let firstRunPeakRssMiB = 0;
  for (let i = 0; i < runs; i++) {
    // Only the run being measured holds its result: the peak is one synth's, not two. The previous
    // run's files are let go and collected first, so that each run is timed as one synth of a fresh
    // process is (`promstack synth`, `pulumi up`), not beside the runs before it.
    files = {};
    collectGarbage();
    let ms: number, cpu: number;
    ({ ms, cpuMs: cpu, files, summary } = synthOnce(config(), built.value));
    if (i === 0) firstRunPeakRssMiB = peakRssMiB();
    runMs.push(ms);
    cpuMs.push(cpu);
  }
  const peak = peakRssMiB();

  const kinds: SynthFigures['kinds'] = {};
  let largest = { path: '', bytes: 0 };
  let total = 0;
  for (const [path, text] of Object.entries(files)) {
    const bytes = Buffer.byteLength(text, 'utf8');
    const kind = (kinds[kindOf(path)] ??= { count: 0, bytes: 0 });
    kind.count++;
    kind.bytes += bytes;
    total += bytes;
    if (bytes > largest.bytes) largest = { path, bytes };
  }

  // The floor: the same data as plain objects (parsed back, untimed), serialised by the libraries alone.
  const objects = Object.entries(files).flatMap(([path, text]) => {
    if (path.endsWith('.json')) return [{ json: true, data: JSON.parse(text) as unknown }];
    if (path.endsWith('.yml')) return [{ json: false, data: parse(text, { version: '1.1' }) as unknown }];
    return [];
  });
  const floorRuns: { yamlMs: number; jsonMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    let yamlMs = 0;
    let jsonMs = 0;
    for (const { json, data } of objects) {
      if (json) jsonMs += timed(() => JSON.stringify(data, null, 2)).ms;
      else yamlMs += timed(() => stringify(data, YAML_OPTIONS)).ms;
    }
    floorRuns.push({ yamlMs, jsonMs });
  }
  const floorTotals = floorRuns.map((r) => r.yamlMs + r.jsonMs);
  // Timed as one loop, as a synth is: CPU time is counted in clock ticks, too coarse for one file.
  const writerRuns: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    writerRuns.push(
      timed(() => {
        for (const { json, data } of objects) {
          if (json) writers.renderJson(data);
          else writers.renderYaml(data);
        }
      }),
    );
  }

  const figures: SynthFigures = {
    services,
    platform: 'kubernetes',
    runs,
    runMs,
    medianMs: median(runMs),
    cpuMs,
    medianCpuMs: median(cpuMs),
    catalogueMs: built.ms,
    baseRssMiB: ALREADY_LOADED_MIB,
    loadedRssMiB,
    firstRunPeakRssMiB,
    peakRssMiB: peak,
    files: {
      count: Object.keys(files).length,
      bytes: total,
      largestBytes: largest.bytes,
      largestPath: largest.path,
    },
    kinds,
    floor: {
      medianMs: median(floorTotals),
      yamlMs: median(floorRuns.map((r) => r.yamlMs)),
      jsonMs: median(floorRuns.map((r) => r.jsonMs)),
      runMs: floorTotals,
    },
    writerFloorMs: median(writerRuns.map((r) => r.ms)),
    writerFloorCpuMs: median(writerRuns.map((r) => r.cpuMs)),
    summary,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main();
