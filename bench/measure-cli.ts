/**
 * Child process of `npm run bench`: times `promstack check` and `promstack diff` on the synthetic
 * catalogue, as a user runs them (the launcher, a fresh node per command), and prints one JSON line.
 *   node --import tsx bench/measure-cli.ts <services>
 *
 * The CLI renders the catalogue of the repository it belongs to (infra/services), so the catalogue is
 * put in a copy of this repository: its sources, a link to node_modules and .tools, infra/services
 * replaced by `syntheticCatalogue(n)`, a `Pulumi.bench.yaml` holding `benchStackConfig('kubernetes')`,
 * committed to a fresh git repository. `check --cache` runs on that commit with an empty cache (every
 * test unit runs), then again after one service's latency threshold changed (what CI runs on a pull
 * request that changes one service, with the cache kept between runs); `diff --base HEAD` compares
 * that working tree with the commit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NOT_COPIED } from '../cli/testing';
import { benchStackConfig } from './catalogue';
import { MiB } from './stats';

/** One command: wall time from spawn to exit, and CPU time of it and every tool it ran. */
export interface CommandFigures {
  ms: number;
  cpuMs: number;
}

export interface CliFigures {
  services: number;
  /** os.availableParallelism() of the machine: how many tool runs check starts at once. */
  parallelism: number;
  /** `check --cache` of the committed catalogue with an empty cache: every test unit runs. */
  checkCold: CommandFigures;
  /** `check --cache` again after one service changed: only the units its change touches run. */
  checkOneChanged: CommandFigures;
  /** `diff --base HEAD` with one service changed. */
  diff: CommandFigures & { changedFiles: number; changes: number };
  routedAlerts: number;
  /** Whether check passed, and its findings otherwise: the bench times check whatever it finds. */
  ok: boolean;
  problems: string[];
}

const REPO = join(__dirname, '..');
const STACK = 'bench';
/** The service whose threshold the diff changes: one in the middle of the catalogue. */
const changed = (services: number) => Math.floor(services / 2);

export function catalogueModule(services: number, change: boolean): string {
  const lines = [
    `import { syntheticCatalogue, syntheticService } from '../../bench/catalogue';`,
    `export const services = syntheticCatalogue(${services});`,
  ];
  if (change) {
    const i = changed(services);
    lines.push(`services[${i}] = { ...syntheticService(${i}), latencyThresholdSeconds: 2 };`);
  }
  return `${lines.join('\n')}\n`;
}

function git(cwd: string, args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'promstack bench',
      GIT_AUTHOR_EMAIL: 'bench@example.invalid',
      GIT_COMMITTER_NAME: 'promstack bench',
      GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    },
  });
}

/** The copy of the repository described above, with the base committed and one service changed. */
export function benchRepository(services: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-bench-cli-'));
  for (const name of readdirSync(REPO)) {
    if (NOT_COPIED.has(name)) continue;
    cpSync(join(REPO, name), join(dir, name), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  symlinkSync(join(REPO, '.tools'), join(dir, '.tools'), 'dir');
  writeFileSync(join(dir, '.gitignore'), '/node_modules\n/.tools\n/.bench-*\n');
  writeFileSync(
    join(dir, `Pulumi.${STACK}.yaml`),
    stringify({ config: { 'promstack:stack': benchStackConfig('kubernetes') } }),
  );
  const index = join(dir, 'infra', 'services', 'index.ts');
  writeFileSync(index, catalogueModule(services, false));
  git(dir, ['init', '--quiet']);
  git(dir, ['add', '.']);
  git(dir, ['commit', '--quiet', '--no-verify', '-m', `bench: ${services} services`]);
  return dir;
}

/** One CLI command in a fresh node, timed from spawn to exit (CPU by GNU time, tools included). */
export function cli(dir: string, args: string[]): CommandFigures & { code: number | null; stdout: string } {
  const times = join(dir, '.bench-times');
  const start = process.hrtime.bigint();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S', '-o', times, process.execPath, join(dir, 'cli', 'promstack.js'), ...args],
    { cwd: dir, encoding: 'utf8', maxBuffer: 256 * MiB, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const [user, system] = readFileSync(times, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { ms, cpuMs: (user + system) * 1000, code: run.status, stdout: run.stdout };
}

function json<T>(what: string, run: { code: number | null; stdout: string }): T {
  if (!run.stdout.startsWith('{'))
    throw new Error(`${what} did not finish (exit ${run.code}): ${run.stdout.slice(0, 2000)}`);
  return JSON.parse(run.stdout) as T;
}

const figures = ({ ms, cpuMs }: CommandFigures): CommandFigures => ({ ms, cpuMs });

function main(): void {
  const services = Number(process.argv[2]);
  const dir = benchRepository(services);
  const cache = join(dir, '.bench-cache');
  const index = join(dir, 'infra', 'services', 'index.ts');
  try {
    // tsx compiles each source file once and caches it: a warm-up, so that every command measured sees
    // the same warm cache (a fresh CI runner pays about a second more on its first command).
    cli(dir, ['--help']);
    type Check = { ok: boolean; problems: string[]; routing: unknown[] };
    writeFileSync(index, catalogueModule(services, false));
    const coldRun = cli(dir, ['check', '--stack', STACK, '--cache', cache, '--json']);
    const cold = json<Check>('check', coldRun);
    writeFileSync(index, catalogueModule(services, true));
    const warmRun = cli(dir, ['check', '--stack', STACK, '--cache', cache, '--json']);
    const warm = json<Check>('check', warmRun);
    const diffRun = cli(dir, ['diff', '--stack', STACK, '--base', 'HEAD', '--json']);
    const diff = json<{ files: unknown[]; changes: unknown[] }>('diff', diffRun);
    if (diffRun.code !== 0 || diff.files.length === 0)
      throw new Error(`diff found no change (exit ${diffRun.code}): ${diffRun.stdout.slice(0, 2000)}`);
    const result: CliFigures = {
      services,
      parallelism: availableParallelism(),
      checkCold: figures(coldRun),
      checkOneChanged: figures(warmRun),
      diff: { ...figures(diffRun), changedFiles: diff.files.length, changes: diff.changes.length },
      routedAlerts: warm.routing.length,
      ok: cold.ok && warm.ok,
      problems: [...new Set([...cold.problems, ...warm.problems])],
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
