import { runCli, type CliRun } from './testing';

/** What the command refuses before it starts anything; the drill itself runs in test/drill/. */
describe('promstack drill on the command line', () => {
  const usageErrors: [string[], string][] = [
    [['drill'], '--stack is required'],
    [
      ['drill', '--stack', 'dev', '--time-scale', '0'],
      '--time-scale: the time scale must be a number of at least 1',
    ],
    [
      ['drill', '--stack', 'dev', '--time-scale', 'fast'],
      '--time-scale: the time scale must be a number of at least 1',
    ],
    [['drill', '--stack', 'dev', '--time-scale', ''], '--time-scale: the time scale is empty'],
    [['drill', '--stack', 'dev', '--json', ''], '--json needs a file name'],
    [['drill', '--stack', 'dev', '--json'], "Option '--json <value>' argument missing"],
    [['drill', '--stack', 'nowhere'], 'no stack nowhere'],
    [['drill', '--stack', 'dev', 'now'], 'unexpected argument "now"'],
  ];
  let runs: Promise<CliRun>[];
  beforeAll(() => {
    runs = usageErrors.map(([args]) => runCli(args));
  });

  it.each(usageErrors.map(([args, message], i) => [args, message, i] as const))(
    'usage error %j exits 2 and says %s',
    async (_args, message, i) => {
      const run = await runs[i];
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(2);
    },
  );

  it('documents its scenarios, options and exit codes, and is listed by promstack --help', async () => {
    const [help, main] = await Promise.all([runCli(['drill', '--help']), runCli(['--help'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: promstack drill --stack ENV [--json FILE] [--time-scale N]');
    for (const scenario of [
      'target down',
      'error ratio',
      'SLO fast burn',
      'inhibition',
      'silence',
      'maintenance',
      'watchdog',
    ])
      expect(help.stdout).toContain(scenario);
    expect(help.stdout).toMatch(/Exit codes: 0 .*; 1 .*;\s*\n?.*2 /s);
    expect(main.stdout).toContain('  drill --stack ENV');
  });
});
