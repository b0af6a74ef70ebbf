import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import {
  CHECK_HELP,
  DIFF_HELP,
  LIST_HELP,
  MAIN_HELP,
  NEW_HELP,
  ROUTES_HELP,
  RULES_HELP,
  SYNTH_HELP,
} from './help';
import { type CliRun, copyRepository, removeTempDirs, runCli, TESTDATA, tempDir } from './testing';

const BROKEN = ['--root', join(TESTDATA, 'stacks'), '--stack', 'broken'];
const DOCKER = ['--root', TEST_STACKS_DIR, '--stack', 'docker'];

/**
 * The top-level fields a command's --help promises for --json: the quoted names of its --json option
 * up to the first ";" (what follows describes the failure documents).
 */
function documentedFields(help: string): string[] {
  const option = /^ {2}--json\b[^\n]*(?:\n {4,}[^\n]*)*/m.exec(help)?.[0] ?? '';
  const success = option.split(';')[0];
  return [...new Set([...success.matchAll(/"(\w+)"/g)].map((m) => m[1]))];
}

describe('one documented --json shape', () => {
  afterAll(removeTempDirs);

  const commands: [string, string, () => string[]][] = [
    ['synth', SYNTH_HELP, () => ['synth', ...DOCKER, '--out', tempDir(), '--json']],
    ['check', CHECK_HELP, () => ['check', ...DOCKER, '--json']],
    ['diff', DIFF_HELP, () => ['diff', ...DOCKER, '--against', 'docker', '--json']],
    ['routes', ROUTES_HELP, () => ['routes', ...DOCKER, '--json']],
    ['list', LIST_HELP, () => ['list', ...DOCKER, '--json']],
    ['rules check', RULES_HELP, () => ['rules', 'check', join(TESTDATA, 'rules', 'valid.yml'), '--json']],
  ];
  let runs: Promise<CliRun>[];
  let broken: Record<string, Promise<CliRun>>;
  beforeAll(() => {
    runs = commands.map(([, , args]) => runCli(args()));
    broken = Object.fromEntries(
      ['synth', 'check', 'diff', 'routes', 'list'].map((command) => [
        command,
        runCli([command, ...BROKEN, ...(command === 'synth' ? ['--out', tempDir()] : []), '--json']),
      ]),
    );
  });

  it.each(commands.map(([name, help], i) => [name, help, i] as const))(
    '%s --json prints exactly the fields its --help names, "ok" true with exit 0',
    async (_name, help, i) => {
      const run = await runs[i];
      expect(run.code).toBe(0);
      const document = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(Object.keys(document).sort()).toEqual(documentedFields(help).sort());
      expect(document.ok).toBe(true);
      if (_name !== 'rules check') expect(document.stack).toBe('docker');
    },
  );

  it.each(['synth', 'check', 'diff', 'routes', 'list'])(
    '%s --json on a stack that does not validate prints {ok: false, stack, issues}, exit 1',
    async (command) => {
      const run = await broken[command];
      expect(run.code).toBe(1);
      const document = JSON.parse(run.stdout) as { ok: boolean; stack: string; issues: object[] };
      expect(Object.keys(document)).toEqual(['ok', 'stack', 'issues']);
      expect(document).toMatchObject({ ok: false, stack: 'broken' });
      expect(document.issues).toContainEqual({
        path: 'stack.prometheus',
        message: expect.stringContaining('unknown field "retension"') as string,
      });
    },
  );

  it('drill --json FILE writes the same document for a stack that does not validate', async () => {
    const file = join(tempDir(), 'drill.json');
    const run = await runCli(['drill', ...BROKEN, '--json', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(['ok', 'stack', 'issues']);
    expect(document).toMatchObject({ ok: false, stack: 'broken' });
  });

  it('new --json prints the fields its --help names', async () => {
    const repo = copyRepository();
    const run = await runCli(['new', 'service', 'checkout', '--team', 'shop', '--json'], {
      launcher: join(repo, 'cli', 'promstack.js'),
      cwd: repo,
    });
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(documentedFields(NEW_HELP).sort());
    expect(document).toMatchObject({ ok: true, file: 'infra/services/checkout.ts', service: 'checkout' });
  });

  it('diff --json says ok: false exactly when --exit-code makes it exit 1', async () => {
    const run = await runCli([
      'diff',
      '--root',
      TEST_STACKS_DIR,
      '--stack',
      'full',
      '--against',
      'docker',
      '--exit-code',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout) as { paging: Record<string, unknown>[] };
    expect(document).toMatchObject({ ok: false, stack: 'full', base: { stack: 'docker' } });
    // The paging changes have the fields --help names for them, and a text each.
    const documented = /"paging" is \[\{([^}]*)\}\]/.exec(DIFF_HELP.replace(/\s+/g, ' '))?.[1].split(', ');
    expect(documented).toContain('text');
    expect(document.paging.length).toBeGreaterThan(0);
    for (const change of document.paging) {
      expect(documented).toEqual(expect.arrayContaining(Object.keys(change)));
      expect(change.text).toEqual(expect.any(String));
    }
  });

  it('is documented once, in promstack --help, with the failure document', () => {
    expect(MAIN_HELP).toContain('"ok", true exactly when the exit code is 0');
    expect(MAIN_HELP).toContain(
      '{"ok": false, "stack": ENV, "issues": [{"path": "stack.prometheus", "message": "..."}]}',
    );
    expect(MAIN_HELP).toContain('Usage errors (exit 2) are never JSON');
  });

  it('usage errors are one line on standard error, not JSON', async () => {
    const run = await runCli(['list', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('promstack list: --stack is required (see: promstack list --help)\n');
  });
});
