/**
 * The config reloader's own script (what the Kubernetes sidecar and the Docker reloader run) against the
 * real Prometheus and Alertmanager: files written as the kubelet writes a ConfigMap volume (each version
 * in a `..<version>` folder, `..data` swapped atomically, the files links through it) reach the running
 * process by a signal, and a broken file is refused while the old config keeps serving. Both tools ask
 * for a login on every HTTP path here, as the stack's do: the reloader needs none.
 *
 * The script runs under busybox (the shell and applets of the Prometheus and Alertmanager images, which
 * `npm run tools` installs beside them), never under this machine's own shell. Each tool runs through a link with a name of its
 * own, which the reloader is told to signal, so that no other process on this machine is touched.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { configReloaderCommand } from '../../components/platforms/config-reloader';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../components/runtime/processes';
import { findTool } from '../../components/tools/binaries';

const root = mkdtempSync(join(tmpdir(), 'promstack-reloader-'));
const bin = join(root, 'bin');
mkdirSync(bin);
spawnSync(findTool('busybox'), ['--install', '-s', bin]);
const PATH = bin;
const shell = join(bin, 'sh');

const LOGIN = { username: 'promstack', password: 'reloader-test-password' };
const authorization = `Basic ${Buffer.from(`${LOGIN.username}:${LOGIN.password}`).toString('base64')}`;
const webConfig = join(root, 'web.yml');
writeFileSync(webConfig, `basic_auth_users:\n  ${LOGIN.username}: ${hashSync(LOGIN.password, 4)}\n`);

/** Writes a folder's files as the kubelet's AtomicWriter does: a new version folder, then one rename. */
let version = 0;
function kubeletWrite(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const next = `..v${++version}`;
  mkdirSync(join(dir, next));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, next, name), content);
  symlinkSync(next, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('..') && !(name in files)) unlinkSync(join(dir, name));
  }
  for (const name of Object.keys(files)) {
    if (!existsSync(join(dir, name))) symlinkSync(join('..data', name), join(dir, name));
  }
}

async function get(url: string): Promise<string> {
  const response = await fetch(url, { headers: { authorization } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

async function metric(url: string, name: string): Promise<number | undefined> {
  const line = (await get(`${url}/metrics`)).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** The tool's binary through a link of a unique name (at most 15 characters, as the kernel keeps it). */
function linkedTool(tool: 'prometheus' | 'alertmanager', prefix: string): string {
  const name = `${prefix}${process.pid % 100_000}`;
  symlinkSync(findTool(tool), join(root, name));
  return name;
}

const running: RunningProcess[] = [];
function start(name: string, file: string, args: string[], env?: NodeJS.ProcessEnv): RunningProcess {
  const started = startProcess(name, file, args, env ? { env } : {});
  running.push(started);
  return started;
}

/** Starts the reloader and waits until it has read the files as they are (it says so). */
async function startReloader(process: string, dirs: string[]): Promise<RunningProcess> {
  const [, ...args] = configReloaderCommand({ process }, dirs, 1);
  const reloader = start(`reloader-${process}`, shell, args, { PATH });
  await waitFor(async () => (reloader.output().includes('watching') ? true : undefined), {
    timeoutMs: 10_000,
    describe: () => `the reloader did not start: ${reloader.output()}`,
  });
  return reloader;
}

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(root, { recursive: true, force: true });
});

const rule = (alert: string, expr: string) =>
  `groups:\n  - name: ${alert}\n    rules:\n      - alert: ${alert}\n        expr: ${expr}\n`;

describe('the config reloader on a running Prometheus', () => {
  const config = join(root, 'prometheus');
  const rules = join(config, 'rules');
  let url = '';
  let prometheus: RunningProcess;
  let reloader: RunningProcess;

  const groups = async () =>
    (
      JSON.parse(await get(`${url}/api/v1/rules`)) as {
        data: { groups: { name: string; lastEvaluation: string }[] };
      }
    ).data.groups;

  beforeAll(async () => {
    kubeletWrite(config, {
      'prometheus.yml': `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${rules}/*.yml\n`,
    });
    kubeletWrite(rules, { 'old.yml': rule('OldRule', 'vector(1)') });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const name = linkedTool('prometheus', 'promrl');
    prometheus = start(name, join(root, name), [
      `--config.file=${config}/prometheus.yml`,
      `--storage.tsdb.path=${join(root, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.config.file=${webConfig}`,
    ]);
    await waitFor(async () => ((await get(`${url}/-/ready`)) ? true : undefined), {
      timeoutMs: 60_000,
      describe: () => `Prometheus not ready: ${prometheus.output()}`,
    });
    reloader = await startReloader(name, [config, rules]);
  });

  it('picks up a new rule file by a signal: the same process, a new reload', async () => {
    const pid = prometheus.child.pid;
    const reloadsBefore = await metric(url, 'prometheus_config_last_reload_success_timestamp_seconds');
    kubeletWrite(rules, {
      'old.yml': rule('OldRule', 'vector(1)'),
      'new.yml': rule('NewRule', 'vector(2)'),
    });
    await waitFor(async () => ((await groups()).some((g) => g.name === 'NewRule') ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `NewRule never loaded; reloader: ${reloader.output()}`,
    });
    expect(reloader.output()).toContain('sent SIGHUP');
    expect(prometheus.child.pid).toBe(pid);
    expect(prometheus.child.exitCode).toBeNull();
    expect(await metric(url, 'prometheus_config_last_reload_successful')).toBe(1);
    expect(await metric(url, 'prometheus_config_last_reload_success_timestamp_seconds')).toBeGreaterThan(
      reloadsBefore!,
    );
  });

  it('refuses a broken rule file, and the old rules keep being evaluated', async () => {
    kubeletWrite(rules, {
      'old.yml': rule('OldRule', 'vector(1)'),
      'new.yml': rule('NewRule', 'vector(2)'),
      'broken.yml': rule('BrokenRule', 'sum(('),
    });
    await waitFor(
      async () => ((await metric(url, 'prometheus_config_last_reload_successful')) === 0 ? true : undefined),
      { timeoutMs: 30_000, describe: () => `the broken rule file was never tried: ${reloader.output()}` },
    );
    const brokenAt = Date.now();
    expect(prometheus.output()).toMatch(/Error reloading config/);
    expect(prometheus.output()).toMatch(/broken\.yml/);
    await waitFor(
      async () => {
        const loaded = await groups();
        const evaluated = loaded.filter((g) => Date.parse(g.lastEvaluation) > brokenAt).map((g) => g.name);
        return evaluated.includes('OldRule') && evaluated.includes('NewRule') ? loaded : undefined;
      },
      { timeoutMs: 15_000, describe: () => 'the old rules were not evaluated after the refused reload' },
    );
    expect((await groups()).map((g) => g.name).sort()).toEqual(['NewRule', 'OldRule']);
    expect(prometheus.child.exitCode).toBeNull();
  });
});

describe('the config reloader on a running Alertmanager', () => {
  const config = join(root, 'alertmanager');
  let url = '';
  let alertmanager: RunningProcess;
  let reloader: RunningProcess;

  const routes = (receivers: string[]) =>
    [
      'route:',
      `  receiver: ${receivers[0]}`,
      ...(receivers.length > 1
        ? [
            '  routes:',
            ...receivers.slice(1).flatMap((r) => [`    - receiver: ${r}`, `      matchers: [team="${r}"]`]),
          ]
        : []),
      'receivers:',
      ...receivers.map((r) => `  - name: ${r}`),
      '',
    ].join('\n');
  const original = async () =>
    (JSON.parse(await get(`${url}/api/v2/status`)) as { config: { original: string } }).config.original;

  beforeAll(async () => {
    kubeletWrite(config, { 'alertmanager.yml': routes(['default']) });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const name = linkedTool('alertmanager', 'amrl');
    alertmanager = start(name, join(root, name), [
      `--config.file=${config}/alertmanager.yml`,
      `--storage.path=${join(root, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.config.file=${webConfig}`,
      '--cluster.listen-address=',
    ]);
    await waitFor(async () => ((await get(`${url}/-/ready`)) ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `Alertmanager not ready: ${alertmanager.output()}`,
    });
    reloader = await startReloader(name, [config]);
  });

  it('picks up a new route by a signal', async () => {
    const pid = alertmanager.child.pid;
    kubeletWrite(config, { 'alertmanager.yml': routes(['default', 'shop']) });
    await waitFor(async () => ((await original()).includes('receiver: shop') ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `the new route never loaded; reloader: ${reloader.output()}`,
    });
    expect(alertmanager.child.pid).toBe(pid);
    expect(await metric(url, 'alertmanager_config_last_reload_successful')).toBe(1);
  });

  it('refuses a broken config and keeps routing with the old one', async () => {
    const before = await original();
    kubeletWrite(config, { 'alertmanager.yml': 'route: {receiver: nobody\n' });
    await waitFor(
      async () =>
        (await metric(url, 'alertmanager_config_last_reload_successful')) === 0 ? true : undefined,
      { timeoutMs: 30_000, describe: () => `the broken config was never tried: ${reloader.output()}` },
    );
    expect(await original()).toBe(before);
    expect(alertmanager.child.exitCode).toBeNull();
  });
});
