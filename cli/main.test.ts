import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { colorWanted, paint } from './io';
import { copyRepository, removeTempDirs, runCli, type CliRun } from './testing';

describe('promstack command line', () => {
  it.each([
    ['synth', 'Usage: promstack synth --stack ENV --out DIR'],
    ['check', 'Usage: promstack check --stack ENV'],
    ['diff', 'Usage: promstack diff --stack ENV'],
    ['rules', 'Usage: promstack rules check PATH...'],
    ['local', 'Usage: promstack local --stack ENV'],
    ['drill', 'Usage: promstack drill --stack ENV'],
    ['routes', 'Usage: promstack routes --stack ENV'],
    ['list', 'Usage: promstack list --stack ENV'],
    ['new', 'Usage: promstack new service NAME --team TEAM'],
  ])('%s --help documents its options and exit codes', async (command, usage) => {
    const run = await runCli([command, '--help']);
    expect(run.stdout).toContain(usage);
    expect(run.stdout).toMatch(/Exit codes: 0 .*; 1 .*; *\n?.*2 /s);
    expect(run.stdout).toContain('--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('lists the commands on --help and exits 2 without a command', async () => {
    const [help, none] = await Promise.all([runCli(['--help']), runCli([])]);
    expect(help.code).toBe(0);
    for (const command of [
      'synth',
      'check',
      'diff',
      'rules check',
      'rules fmt',
      'routes',
      'list',
      'new service',
    ]) {
      expect(help.stdout).toContain(`  ${command}`);
    }
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: promstack <command>');
  });

  const usageErrors: [string[], string][] = [
    [['deploy'], 'unknown command "deploy"'],
    [['synth', '--stack', 'dev', '--out', '/tmp/x', '--colour'], 'unknown option --colour'],
    [['synth', '--stack', 'dev'], '--out is required'],
    [['check'], '--stack is required'],
    [['diff', '--stack', 'dev', '--base', 'HEAD', '--against', 'dev'], 'give --base or --against, not both'],
    [['synth', '--stack', 'prod-eu', '--out', '/tmp/x'], 'no stack prod-eu'],
    [['synth', '--stack', '../etc', '--out', '/tmp/x'], 'invalid stack name "../etc"'],
    [['rules', 'lint', 'x.yml'], 'unknown rules action "lint"'],
    [['rules', 'check', 'cli/testdata/rules/missing.yml'], 'no such file'],
    [['routes'], '--stack is required'],
    [['list', '--stack', 'dev', 'extra'], 'unexpected argument "extra"'],
    [['new', 'service', 'Checkout', '--team', 'shop'], 'invalid service name "Checkout"'],
    [['new', 'service', 'orders', '--team', 'shop'], 'infra/services/orders.ts exists already'],
    [['new', 'service', 'checkout'], '--team is required'],
    [['new', 'team', 'x'], 'unknown kind "team"'],
  ];
  // Started together: each is a process of its own, and the test only reads its result.
  let usageRuns: Promise<CliRun>[];
  beforeAll(() => {
    usageRuns = usageErrors.map(([args]) => runCli(args));
  });

  it.each(usageErrors.map(([args, message], i) => [args, message, i] as const))(
    'usage error %j exits 2 and says %s',
    async (_args, message, i) => {
      const run = await usageRuns[i];
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
    },
  );

  it("is listed whole in the README's command block", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const block =
      /## Review and run without the Pulumi CLI\n\n```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    for (const command of [
      'synth',
      'check',
      'diff',
      'rules check',
      'local',
      'drill',
      'routes',
      'list',
      'new service',
    ]) {
      expect(block).toContain(`npx promstack ${command} `);
    }
  });

  it('runs through npx from the repository, as CI calls it', async () => {
    const root = join(__dirname, '..');
    const run = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
      execFile('npx', ['--no-install', 'promstack', '--help'], { cwd: root }, (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout });
      });
    });
    expect(run.stdout).toContain('Usage: promstack <command>');
    expect(run.code).toBe(0);
  });
});

describe('colour', () => {
  const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;

  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
  ])('TTY %s with env %j → colour %s', (tty, env, expected) => {
    expect(colorWanted(stream(tty), env)).toBe(expected);
  });

  it('paints only when colour is on', () => {
    expect(paint({ color: false }, 'red', 'x')).toBe('x');
    expect(paint({ color: true }, 'red', 'x')).toBe('\u001b[31mx\u001b[0m');
  });
});

describe("a mistake in the user's service catalogue", () => {
  afterAll(removeTempDirs);
  const repo = copyRepository();
  const catalogue = join(repo, 'infra', 'services', 'index.ts');
  const original = readFileSync(catalogue, 'utf8');
  afterEach(() => writeFileSync(catalogue, original));

  it.each([
    [
      'a service used but never imported',
      original.replace('[orders]', '[orders, checkout]'),
      /^promstack synth: infra\/services\/index\.ts:\d+:\d+: ReferenceError: checkout is not defined\n$/,
    ],
    [
      'a file that does not compile',
      original.replace('[orders]', '[orders,, ;'),
      /^promstack synth: infra\/services\/index\.ts:\d+:\d+: ERROR: .+\n$/,
    ],
  ])('is the user’s error: %s is named by file, line and message, exit 1', async (_name, text, message) => {
    writeFileSync(catalogue, text);
    const run = await runCli(['synth', '--stack', 'dev', '--out', join(repo, 'out')], {
      launcher: join(repo, 'cli', 'promstack.js'),
      cwd: repo,
    });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(1);
  });
});
