/**
 * `npm run bench`: synthetic catalogues of 100, 1,000 and 5,000 services through the public service API,
 * each size measured in child processes (synth, then the Pulumi program under mocks on Docker and on
 * Kubernetes), printed as a table and written to bench/results.json.
 *
 *   npm run bench -- [--sizes 100,1000,5000] [--runs 5] [--no-pulumi] [--no-cli] [--out bench/results.json]
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { CliFigures } from './measure-cli';
import type { PulumiFigures } from './measure-pulumi';
import type { SynthFigures } from './measure-synth';
import { MiB } from './stats';
import { checkTargets, renderTable, type BenchResults } from './table';

interface Options {
  sizes: number[];
  runs: number;
  pulumi: boolean;
  cli: boolean;
  out: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    sizes: [100, 1000, 5000],
    runs: 5,
    pulumi: true,
    cli: true,
    out: join(__dirname, 'results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sizes') options.sizes = argv[++i].split(',').map(Number);
    else if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--no-pulumi') options.pulumi = false;
    else if (arg === '--no-cli') options.cli = false;
    else if (arg === '--out') options.out = argv[++i];
    else throw new Error(`unknown argument ${arg}: use --sizes, --runs, --no-pulumi, --no-cli or --out`);
  }
  if (options.sizes.some((n) => !Number.isInteger(n) || n < 1) || !(options.runs >= 1))
    throw new Error('--sizes takes whole numbers like 100,1000 and --runs a number from 1');
  return options;
}

/** Runs a measuring script in a fresh node (with tsx) and returns the JSON line it prints. */
function child<T>(script: string, args: (string | number)[]): T {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(__dirname, script), ...args.map(String)],
    {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      maxBuffer: 64 * MiB,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{'))
    throw new Error(`${script} ${args.join(' ')} failed (exit ${result.status}): ${result.stdout}`);
  return JSON.parse(line) as T;
}

function machine(): BenchResults['machine'] {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: cpus().length,
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const results: BenchResults = { date: new Date().toISOString(), machine: machine(), sizes: [] };
  for (const services of options.sizes) {
    const runs = services >= 5000 ? Math.min(options.runs, 3) : options.runs;
    process.stderr.write(`bench: ${services} services, synth x${runs}...\n`);
    const synth = child<SynthFigures>('measure-synth.ts', [services, runs]);
    const pulumi: PulumiFigures[] = [];
    if (options.pulumi) {
      for (const platform of ['docker', 'kubernetes'] as const) {
        process.stderr.write(`bench: ${services} services, Pulumi program on ${platform}...\n`);
        pulumi.push(child<PulumiFigures>('measure-pulumi.ts', [services, platform]));
      }
    }
    let cli: CliFigures | undefined;
    if (options.cli) {
      process.stderr.write(`bench: ${services} services, promstack check and diff...\n`);
      cli = child<CliFigures>('measure-cli.ts', [services]);
    }
    results.sizes.push({ services, synth, pulumi, ...(cli ? { cli } : {}) });
  }
  results.targets = checkTargets(results);
  process.stdout.write(renderTable(results));
  // Formatted as the repository formats JSON, so that `npm run lint` passes with the file present.
  const text = await format(JSON.stringify(results), {
    ...(await resolveConfig(options.out)),
    filepath: options.out,
  });
  writeFileSync(options.out, text);
  process.stderr.write(`bench: figures written to ${options.out}\n`);
}

void main();
