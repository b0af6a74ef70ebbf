import { execFile } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { copyRepository, removeTempDirs, tempDir } from '../cli/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/** The code blocks of a README section, as a reader copies them (the list's indentation removed). */
function codeBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^( *)```ts\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
    body
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n'),
  );
}

/** Runs a command in the copy; resolves with its exit code and output whatever the code. */
async function inCopy(cwd: string, command: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, timeout: 240_000, maxBuffer: 64 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe("the README's walk-through, verbatim, on a copy of the repository", () => {
  afterAll(removeTempDirs);

  it('adds the checkout service: the files pass Prettier, synth, promstack check and the program tests', async () => {
    const repo = copyRepository();
    symlinkSync(join(ROOT, '.tools'), join(repo, '.tools'), 'dir');
    const [service, catalogue, ...rest] = codeBlocks(
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
      'Add a service',
    );
    expect(rest).toEqual([]);
    expect(service).toContain("name: 'checkout'");
    writeFileSync(join(repo, 'infra', 'services', 'checkout.ts'), service);
    writeFileSync(join(repo, 'infra', 'services', 'index.ts'), catalogue);

    const prettier = await inCopy(repo, 'npx', ['prettier', '--check', 'infra/services']);
    expect(prettier).toMatchObject({ code: 0 });

    const out = tempDir();
    const synth = await inCopy(repo, 'node', [
      'cli/promstack.js',
      'synth',
      '--stack',
      'dev',
      '--out',
      out,
      '--json',
    ]);
    expect(synth.code).toBe(0);
    const summary = JSON.parse(synth.output) as { summary: { services: string[] }; files: string[] };
    expect(summary.summary.services).toEqual(['orders', 'checkout']);

    const check = await inCopy(repo, 'node', ['cli/promstack.js', 'check', '--stack', 'dev']);
    expect(check.output).toContain('checkout/HighLatency');
    expect(check.output).toContain('check passed');
    expect(check.code).toBe(0);

    const tests = await inCopy(repo, 'npx', [
      'jest',
      '--rootDir',
      repo,
      'infra/dev.test.ts',
      'infra/staging.test.ts',
      'infra/prod.test.ts',
    ]);
    expect(tests.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(tests.code).toBe(0);
  }, 480_000);
});
