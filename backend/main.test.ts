import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { ValidationError } from '../components/model/errors';
import { readConfig } from './config';
import { get, scrape, waitFor } from './testing';

const ROOT = resolve(__dirname, '..');

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs main.ts as its own process, as the container does (through tsx instead of the compiled JS). */
function runMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

describe('main.ts', () => {
  let started: Started | undefined;

  afterEach(async () => {
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
    started = undefined;
  });

  it('serves from env vars, runs the traffic generator and stops cleanly on SIGTERM', async () => {
    started = runMain({ PORT: '0', HOST: '127.0.0.1', SERVICE_NAME: 'orders', TRAFFIC_RPS: '50' });
    const run = started;
    await waitFor(
      () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(run.output()),
      'the listening line',
      20_000,
    );
    const base = /listening on (http:\/\/\S+)/.exec(run.output())![1];

    expect(JSON.parse((await get(base, '/')).body).service).toBe('orders');
    await waitFor(
      async () => [...(await scrape(base)).keys()].some((key) => key.includes('route="/api/orders"')),
      'generated traffic in the metrics',
    );

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/orders SIGTERM received, shutting down\n.*orders stopped\n$/);
  });

  it('refuses a bad PORT with a message naming it, and exits 1', async () => {
    started = runMain({ PORT: 'eighty' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('PORT: "eighty" is not valid: set a TCP port from 0 to 65535');
  });
});

describe('readConfig', () => {
  it('has defaults for everything', () => {
    expect(readConfig({})).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      SERVICE_NAME: 'example-backend',
      TRAFFIC_RPS: 0,
    });
  });

  it('reads the variables', () => {
    const env = { PORT: '9100', HOST: '::', SERVICE_NAME: 'payments', TRAFFIC_RPS: '2.5', OTHER: 'x' };
    expect(readConfig(env)).toEqual({ PORT: 9100, HOST: '::', SERVICE_NAME: 'payments', TRAFFIC_RPS: 2.5 });
  });

  it('treats empty variables as unset', () => {
    expect(readConfig({ PORT: '', TRAFFIC_RPS: ' ' })).toMatchObject({ PORT: 8080, TRAFFIC_RPS: 0 });
  });

  it('names every bad variable at once', () => {
    expect(() => readConfig({ PORT: '70000', TRAFFIC_RPS: 'lots' })).toThrow(ValidationError);
    expect(() => readConfig({ PORT: '80.5', TRAFFIC_RPS: '-1' })).toThrow(
      [
        '2 validation errors:',
        '  PORT: "80.5" is not valid: set a TCP port from 0 to 65535',
        '  TRAFFIC_RPS: "-1" is not valid: set requests per second from 0 (off) to 10000',
      ].join('\n'),
    );
  });
});
