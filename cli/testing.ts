import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const LAUNCHER = join(__dirname, 'promstack.js');

const created: string[] = [];

/** A fresh temporary folder, removed by removeTempDirs (call it in afterAll). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-cli-test-'));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
export const TESTDATA = join(__dirname, 'testdata');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user does: a child process through the launcher (tsx compiles the sources). */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; launcher?: string } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Jest sets these; the CLI must behave the same without them.
  delete env.NODE_ENV;
  delete env.JEST_WORKER_ID;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [options.launcher ?? LAUNCHER, ...args],
      { cwd: options.cwd ?? join(__dirname, '..'), env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Every file below `dir` by relative path, with its content. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** Folders of the repository that are not its sources: built, installed, or state. */
export const NOT_COPIED = new Set([
  '.git',
  'node_modules',
  '.tools',
  'dist',
  'coverage',
  'out',
  '.promstack',
  '.pulumi-state',
]);

/**
 * A copy of this repository's sources in a temporary folder, sharing node_modules through a link but
 * without .tools (so promtool and amtool are missing unless on PATH) and without git history.
 */
export function copyRepository(): string {
  const source = join(__dirname, '..');
  const target = tempDir();
  for (const name of readdirSync(source)) {
    if (NOT_COPIED.has(name)) continue;
    cpSync(join(source, name), join(target, name), { recursive: true });
  }
  symlinkSync(join(source, 'node_modules'), join(target, 'node_modules'), 'dir');
  return target;
}

/** Runs git in `cwd` with a fixed identity, for test repositories. */
export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'promstack test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'promstack test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  });
}
