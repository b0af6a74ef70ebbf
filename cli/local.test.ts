import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../components/runtime/processes';
import { portInUse, withLogin } from '../components/runtime/local';
import { testStackConfig } from '../components/stack/testing';
import { locateTool } from '../components/tools/binaries';
import { LAUNCHER, removeTempDirs, runCli, tempDir } from './testing';

interface Running {
  stdout: () => string;
  stderr: () => string;
  signal: (name: NodeJS.Signals) => void;
  /** Signals the whole process group, as a terminal's Ctrl-C does: the stack's processes get it too. */
  signalGroup: (name: NodeJS.Signals) => void;
  exited: Promise<number | null>;
}

/** Starts the CLI as a child process, as a person does, and keeps its output. */
function startCli(args: readonly string[]): Running {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_ENV;
  delete env.JEST_WORKER_ID;
  // A process group of its own, like a command started from a shell.
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    signal: (name) => child.kill(name),
    signalGroup: (name) => process.kill(-child.pid!, name),
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
}

async function until(check: () => boolean, describe: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A stack folder with the Docker test stack on free ports, so that the test never meets a running stack. */
async function stackRoot(): Promise<{
  root: string;
  ports: { prometheus: number; alertmanager: number; grafana: number };
}> {
  const root = tempDir();
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), grafana: await freePort() };
  const dev = testStackConfig('docker') as Record<string, unknown>;
  const stack = {
    ...dev,
    grafana: { port: ports.grafana },
    docker: {
      ...(dev.docker as Record<string, unknown>),
      prometheusPort: ports.prometheus,
      alertmanagerPort: ports.alertmanager,
      exampleBackend: false,
    },
  };
  writeFileSync(join(root, 'Pulumi.localtest.yaml'), stringify({ config: { 'promstack:stack': stack } }));
  writeFileSync(
    join(root, 'Pulumi.broken.yaml'),
    stringify({ config: { 'promstack:stack': { ...dev, receivers: [] } } }),
  );
  return { root, ports };
}

describe('promstack local', () => {
  afterAll(removeTempDirs);

  it('documents its options and exit codes, and is listed in the main help', async () => {
    const [help, main] = await Promise.all([runCli(['local', '--help']), runCli(['--help'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: promstack local --stack ENV');
    for (const option of ['--root DIR', '--data DIR', '--json', 'PROMSTACK_SECRET_<NAME>'])
      expect(help.stdout).toContain(option);
    expect(help.stdout).toMatch(/Exit codes: 0 .*; 1 .*; *\n?.*2 /s);
    expect(main.stdout).toContain('  local --stack ENV');
  });

  it.each([
    [['local'], '--stack is required'],
    [['local', '--stack', 'dev', '--port', '1'], 'unknown option --port'],
    [['local', '--stack', 'nope'], 'no stack nope'],
  ])('usage error %j exits 2 and says %s', async (args, message) => {
    const run = await runCli(args);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });

  it('exits 1 with every validation error of an invalid stack, starting nothing', async () => {
    const { root } = await stackRoot();
    const run = await runCli(['local', '--stack', 'broken', '--root', root, '--data', join(root, 'data')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack.receivers: define at least one receiver');
    expect(existsSync(join(root, 'data', 'config'))).toBe(false);
  });

  it('runs the stack until Ctrl-C, printing its URLs, then stops every process and exits 0', async () => {
    const { root, ports } = await stackRoot();
    const data = join(root, 'data');
    const cli = startCli(['local', '--stack', 'localtest', '--root', root, '--data', data]);
    await until(
      () => cli.stdout().includes('Press Ctrl-C'),
      () => `${cli.stdout()}\n${cli.stderr()}`,
    );
    const out = cli.stdout();
    expect(out).toContain('promstack local: stack localtest');
    expect(out).toContain(`Prometheus: http://127.0.0.1:${ports.prometheus}`);
    expect(out).toContain(`Alertmanager: http://127.0.0.1:${ports.alertmanager}`);
    expect(out).toContain(
      locateTool('grafana-server')
        ? `Grafana: http://127.0.0.1:${ports.grafana}`
        : 'Grafana: not started (grafana-server not found)',
    );
    expect(out).toContain('secret slack-webhook-url: placeholder (set PROMSTACK_SECRET_SLACK_WEBHOOK_URL');
    // The login: where its password is, never the password.
    const passwordFile = join(data, 'secrets', 'web-password');
    expect(out).toContain(`Login: promstack, password in ${passwordFile}`);
    const login = withLogin({ username: 'promstack', password: readFileSync(passwordFile, 'utf8') });
    expect(out).not.toContain(readFileSync(passwordFile, 'utf8'));
    expect((await fetch(`http://127.0.0.1:${ports.prometheus}/-/ready`, login)).ok).toBe(true);
    expect((await fetch(`http://127.0.0.1:${ports.alertmanager}/-/ready`, login)).ok).toBe(true);

    cli.signalGroup('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('SIGINT: stopping every process');
    expect(cli.stdout()).toMatch(/stopped\n$/);
    expect(cli.stderr()).toBe('');
    for (const port of [ports.prometheus, ports.alertmanager]) expect(await portInUse(port)).toBe(false);
    expect(existsSync(join(data, 'data', 'prometheus', 'wal'))).toBe(true);
  });

  it('--json prints one document once ready and stops on SIGTERM', async () => {
    const { root, ports } = await stackRoot();
    const cli = startCli([
      'local',
      '--stack',
      'localtest',
      '--root',
      root,
      '--data',
      join(root, 'data'),
      '--json',
    ]);
    let doc: Record<string, unknown> | undefined;
    await until(
      () => {
        try {
          doc = JSON.parse(cli.stdout()) as Record<string, unknown>;
          return true;
        } catch {
          return false;
        }
      },
      () => `${cli.stdout()}\n${cli.stderr()}`,
    );
    expect(doc).toMatchObject({
      ok: true,
      stack: 'localtest',
      data: join(root, 'data'),
      urls: {
        prometheus: `http://127.0.0.1:${ports.prometheus}`,
        alertmanagers: [`http://127.0.0.1:${ports.alertmanager}`],
      },
      secrets: [
        { name: 'slack-webhook-url', source: 'placeholder', envVar: 'PROMSTACK_SECRET_SLACK_WEBHOOK_URL' },
        { name: 'web-password', source: 'generated', envVar: 'PROMSTACK_SECRET_WEB_PASSWORD' },
      ],
      login: { username: 'promstack', passwordFile: join(root, 'data', 'secrets', 'web-password') },
    });
    const processes = doc!.processes as { name: string; pid: number }[];
    expect(processes.map((p) => p.name)).toEqual(['prometheus', 'alertmanager']);
    // Progress went to standard error.
    expect(cli.stderr()).toContain('prometheus ready');

    cli.signal('SIGTERM');
    expect(await cli.exited).toBe(0);
    for (const { pid } of processes) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(JSON.parse(cli.stdout())).toEqual(doc);
  });
});
