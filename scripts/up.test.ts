import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { copyRepository, removeTempDirs } from '../cli/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/**
 * A stand-in for the Pulumi CLI (which cannot be installed here): it keeps config in a JSON file and
 * logs every call, so that the script's own logic is what is tested.
 */
function fakePulumi(dir: string): { log: string; store: string } {
  const log = join(dir, 'calls.log');
  const store = join(dir, 'config.json');
  writeFileSync(store, '{}');
  const script = `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, args.join(' ') + '\\n');
const store = JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8'));
if (args[0] === 'config' && args[1] === 'get') {
  const key = args[args.indexOf('--path') + 1];
  if (!(key in store)) process.exit(1);
  process.stdout.write(store[key]);
} else if (args[0] === 'config' && args[1] === 'set') {
  const key = args[args.indexOf('--path') + 1];
  store[key] = args[args.indexOf('--path') + 2];
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(store));
}
`;
  writeFileSync(join(dir, 'pulumi'), script);
  chmodSync(join(dir, 'pulumi'), 0o755);
  return { log, store };
}

/** The environment a test runs up.sh in: the Pulumi stand-in first on PATH, state in the test's folder. */
function upEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dir}:${process.env.PATH}`, PULUMI_BACKEND_URL: `file://${dir}/state` };
}

describe('npm run up (scripts/up.sh)', () => {
  afterAll(removeTempDirs);

  it('creates the dev stack, fills the missing dev secrets once, then deploys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-up-'));
    const { log, store } = fakePulumi(dir);
    const env = upEnv(dir);
    const first = await run('bash', [join(ROOT, 'scripts/up.sh')], { cwd: ROOT, env, timeout: 60_000 });
    expect(first.stdout).toContain(
      'check passed: every tool accepts the files and every alert reaches someone',
    );
    const secrets = JSON.parse(readFileSync(store, 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual([
      'secrets.grafana-admin-password',
      'secrets.grafana-secret-key',
      'secrets.slack-webhook-url',
      'secrets.web-password',
    ]);
    expect(secrets['secrets.grafana-admin-password']).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // 32 random bytes: what signs Grafana's sessions and encrypts its stored secrets.
    expect(secrets['secrets.grafana-secret-key']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // dev runs the alert inbox: its Slack receiver delivers there until a real webhook URL is set.
    expect(secrets['secrets.slack-webhook-url']).toBe('http://alert-inbox:8080/slack/shop-slack');
    // The login of Prometheus and Alertmanager: random, like Grafana's password.
    expect(secrets['secrets.web-password']).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('stack select --create dev');
    expect(calls.at(-1)).toBe('up --yes --stack dev');
    expect(calls.filter((c) => c.startsWith('config set'))).toHaveLength(4);
    expect(calls.filter((c) => c.startsWith('config set')).every((c) => c.includes('--secret'))).toBe(true);

    // A second run keeps what is set.
    await run('bash', [join(ROOT, 'scripts/up.sh')], { cwd: ROOT, env, timeout: 60_000 });
    const again = readFileSync(log, 'utf8').trim().split('\n').slice(calls.length);
    expect(again.filter((c) => c.startsWith('config set'))).toEqual([]);
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual(secrets);
  });

  it('replaces the placeholder an earlier run left where the alert inbox now offers an address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-up-'));
    const { store } = fakePulumi(dir);
    writeFileSync(
      store,
      JSON.stringify({
        'secrets.grafana-admin-password': 'kept-password',
        'secrets.slack-webhook-url': 'https://placeholder.invalid/slack-webhook-url',
      }),
    );
    const env = upEnv(dir);
    await run('bash', [join(ROOT, 'scripts/up.sh')], { cwd: ROOT, env, timeout: 60_000 });
    expect(JSON.parse(readFileSync(store, 'utf8'))).toEqual({
      'secrets.grafana-admin-password': 'kept-password',
      'secrets.grafana-secret-key': expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      'secrets.slack-webhook-url': 'http://alert-inbox:8080/slack/shop-slack',
      'secrets.web-password': expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });
  });

  it('runs promstack check first and stops before touching Pulumi when it finds a problem', async () => {
    const repo = copyRepository();
    symlinkSync(join(ROOT, '.tools'), join(repo, '.tools'), 'dir');
    const stackFile = join(repo, 'Pulumi.dev.yaml');
    writeFileSync(
      stackFile,
      readFileSync(stackFile, 'utf8').replace('scrapeInterval: 15s', 'scrapeIntervl: 15s'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'promstack-up-'));
    const { log } = fakePulumi(dir);
    const env = upEnv(dir);
    const failed = await run('bash', [join(repo, 'scripts/up.sh')], {
      cwd: repo,
      env,
      timeout: 120_000,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout + failed!.stderr).toContain('scrapeIntervl');
    expect(failed?.stderr).toContain(
      'promstack check refused the dev stack (see above); nothing was deployed',
    );
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
  });

  it('never invents secrets for other stacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-up-'));
    const { log } = fakePulumi(dir);
    const env = upEnv(dir);
    await run('bash', [join(ROOT, 'scripts/up.sh'), 'prod'], { cwd: ROOT, env, timeout: 60_000 });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'stack select --create prod',
      'up --yes --stack prod',
    ]);
  });
});
