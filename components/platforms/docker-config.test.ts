import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, isSecretEnvelope, unwrapSecrets } from '../pulumi/testing';
import { startProcess, waitFor } from '../runtime/processes';
import { synthStack } from '../stack';
import { findTool } from '../tools/binaries';
import { secretValues, testStackConfig } from '../stack/testing';
import { CONFIG_RELOADER_NAME, configReloaderCommand } from './config-reloader';
import { deployDockerWorkload, dockerNetwork, RESTART_CHECKSUM_LABEL, type DockerPlacement } from './docker';
import { CONFIG_HOLDER_SCRIPT, dockerConfigFolder, dockerReloadedDirs } from './docker-config';
import {
  alertmanagerWorkload,
  grafanaWorkload,
  prometheusWorkload,
  secretsNeeded,
  type Workload,
} from './workload';

const mocks = installMocks('holder');

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, { transformations: [mocks.transformation] });
  }
}
const parent = new Parent('holder');
const synth = synthStack(testStackConfig('docker'), services, { environment: 'holder' });
const placementBase = { prefix: 'promstack-holder', retainVolumes: true, labels: {} };
const placement: DockerPlacement = {
  platform: 'docker',
  network: dockerNetwork('holder', placementBase, { parent }),
  ...placementBase,
};
const workloads = { prometheus: prometheusWorkload(synth), alertmanager: alertmanagerWorkload(synth) };
const secrets = secretValues(secretsNeeded(Object.values(workloads)));
for (const [name, workload] of Object.entries(workloads))
  deployDockerWorkload(`holder-${name}`, workload, placement, { parent, secrets });

/**
 * Grafana, which reads its datasources and secret files at start only and polls its dashboards, as
 * deployed and after one change each; every variant under the same container names, so that their
 * inputs compare as they are.
 */
const grafana = grafanaWorkload(synth);
const grafanaSecrets = secretValues(secretsNeeded([grafana]));
const edited = (pattern: RegExp): Workload => {
  const at = grafana.configFiles.findIndex((f) => pattern.test(f.path));
  const configFiles = grafana.configFiles.map((f, i) => (i === at ? { ...f, content: `${f.content}\n` } : f));
  return { ...grafana, configFiles };
};
const GRAFANA_VARIANTS = {
  base: { workload: grafana, secrets: grafanaSecrets },
  dashboard: { workload: edited(/\/dashboards\/[^/]+\.json$/), secrets: grafanaSecrets },
  datasources: { workload: edited(/\/provisioning\/datasources\//), secrets: grafanaSecrets },
  secrets: {
    workload: grafana,
    secrets: { ...grafanaSecrets, 'grafana-secret-key': 'SECRET-rotated-key' },
  },
};
for (const [variant, { workload, secrets: values }] of Object.entries(GRAFANA_VARIANTS))
  deployDockerWorkload(`grafana-${variant}`, workload, placement, { parent, secrets: values });

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const inputs = (name: string): Obj => unwrapSecrets(mocks.named(name).inputs) as Obj;

beforeAll(() => mocks.settle());

describe.each(Object.keys(workloads) as (keyof typeof workloads)[])('%s on Docker', (name) => {
  const workload = workloads[name];
  const dir = workload.configDirs[0];

  it('reads its files from the config volume, read-only, and carries none itself', () => {
    const tool = inputs(`holder-${name}-container`);
    expect(tool.uploads).toBeUndefined();
    expect(tool.volumes).toContainEqual({
      volumeName: `promstack-holder-${name}-config`,
      containerPath: dir,
      readOnly: true,
    });
    expect(tool.readOnly).toBe(true);
  });

  it('has a config holder carrying every file as an upload (secret files as secrets), which alone changes with them', () => {
    const raw = mocks.named(`holder-${name}-config-holder`);
    const holder = inputs(`holder-${name}-config-holder`);
    expect(isSecretEnvelope(raw.inputs.uploads)).toBe(workload.secretFiles.length > 0);
    const staged = new Map(
      (holder.uploads as Obj[]).map((u) => [u.file.replace('/promstack/staging', dir), u]),
    );
    expect([...staged.keys()].sort()).toEqual(
      [...workload.configFiles, ...workload.secretFiles].map((f) => f.path).sort(),
    );
    for (const file of workload.configFiles) expect(staged.get(file.path)?.content).toBe(file.content);
    for (const file of workload.secretFiles)
      expect(staged.get(file.path)).toMatchObject({ owner: '65534', group: '65534', permissions: '0400' });
    // Mounted first at the data folder, which the image gives to the tool's user: Docker hands the new
    // volume to that user, who then writes it without root.
    expect(holder.volumes).toEqual([
      { volumeName: `promstack-holder-${name}-config`, containerPath: workload.volumes[0].path },
    ]);
    expect(holder.user).toBe(`${workload.user.uid}:${workload.user.gid}`);
    expect(holder.entrypoints.slice(0, 3)).toEqual(['/bin/sh', '-c', CONFIG_HOLDER_SCRIPT]);
    expect(holder).toMatchObject({
      networkMode: 'none',
      wait: true,
      securityOpts: ['no-new-privileges:true'],
      capabilities: { drops: ['ALL'] },
    });
    expect(mocks.options.get(`holder-${name}-config-holder`)).toMatchObject({ deleteBeforeReplace: true });
  });

  it("has a config reloader in the tool container's process namespace, as its user, with no network", () => {
    const reloader = inputs(`holder-${name}-config-reloader`);
    expect(reloader.name).toBe(`promstack-holder-${name}-${CONFIG_RELOADER_NAME}`);
    // The mock engine gives each resource the id `<name>-id`.
    expect(reloader.pidMode).toBe(`container:holder-${name}-container-id`);
    expect(reloader.entrypoints).toEqual(
      configReloaderCommand({ process: name }, dockerReloadedDirs(workload)),
    );
    expect(dockerReloadedDirs(workload)).toContain(dir);
    expect(reloader.user).toBe(`${workload.user.uid}:${workload.user.gid}`);
    expect(reloader.volumes).toEqual([
      { volumeName: `promstack-holder-${name}-config`, containerPath: dir, readOnly: true },
    ]);
    expect(reloader).toMatchObject({
      networkMode: 'none',
      readOnly: true,
      securityOpts: ['no-new-privileges:true'],
      capabilities: { drops: ['ALL'] },
    });
    expect(reloader.uploads).toBeUndefined();
  });
});

describe('Grafana on Docker', () => {
  const dir = '/etc/grafana/promstack';

  it('reads its provisioning, dashboards and secret files from one config volume below its own folder, with a read-only root and no reloader', () => {
    expect(dockerConfigFolder('grafana', grafana).dir).toBe(dir);
    expect(grafana.configDirs.every((d) => d.startsWith(`${dir}/`))).toBe(true);
    const tool = inputs('grafana-base-container');
    expect(tool.uploads).toBeUndefined();
    expect(tool.volumes).toEqual([
      { volumeName: 'promstack-holder-grafana-data', containerPath: '/var/lib/grafana' },
      { volumeName: 'promstack-holder-grafana-config', containerPath: dir, readOnly: true },
    ]);
    expect(tool.readOnly).toBe(true);
    expect(tool.tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,size=64m' });
    expect(mocks.resources.some((r) => r.name.startsWith('grafana-base-config-reloader'))).toBe(false);
  });

  it('has a config holder carrying every file, the secret files as secrets readable by Grafana only', () => {
    const raw = mocks.named('grafana-base-config-holder');
    const holder = inputs('grafana-base-config-holder');
    expect(isSecretEnvelope(raw.inputs.uploads)).toBe(true);
    const staged = new Map(
      (holder.uploads as Obj[]).map((u) => [u.file.replace('/promstack/staging', dir), u]),
    );
    expect([...staged.keys()].sort()).toEqual(
      [...grafana.configFiles, ...grafana.secretFiles].map((f) => f.path).sort(),
    );
    for (const file of grafana.configFiles)
      expect(staged.get(file.path)).toMatchObject({ content: file.content, permissions: '0444' });
    for (const file of grafana.secretFiles)
      expect(staged.get(file.path)).toEqual({
        file: file.path.replace(dir, '/promstack/staging'),
        content: grafanaSecrets[file.secretName as keyof typeof grafanaSecrets],
        owner: '472',
        group: '472',
        permissions: '0400',
      });
    expect(holder.volumes).toEqual([
      { volumeName: 'promstack-holder-grafana-config', containerPath: '/var/lib/grafana' },
    ]);
    expect(holder.user).toBe('472:472');
    expect(holder.entrypoints.slice(0, 3)).toEqual(['/bin/sh', '-c', CONFIG_HOLDER_SCRIPT]);
  });

  const containerOf = (variant: keyof typeof GRAFANA_VARIANTS) =>
    JSON.stringify(inputs(`grafana-${variant}-container`));
  const holderOf = (variant: keyof typeof GRAFANA_VARIANTS) =>
    JSON.stringify(inputs(`grafana-${variant}-config-holder`));
  const checksumOf = (variant: keyof typeof GRAFANA_VARIANTS) =>
    (inputs(`grafana-${variant}-container`).labels as Obj[]).find((l) => l.label === RESTART_CHECKSUM_LABEL)
      ?.value;

  it('takes a changed dashboard from the volume: only the holder changes, the container stays byte-identical', () => {
    expect(holderOf('dashboard')).not.toBe(holderOf('base'));
    expect(containerOf('dashboard')).toBe(containerOf('base'));
  });

  it.each(['datasources', 'secrets'] as const)(
    'is replaced when its %s change, which it reads at start only: the restart checksum label changes',
    (variant) => {
      expect(holderOf(variant)).not.toBe(holderOf('base'));
      expect(checksumOf('base')).toMatch(/^[0-9a-f]{64}$/);
      expect(checksumOf(variant)).toMatch(/^[0-9a-f]{64}$/);
      expect(checksumOf(variant)).not.toBe(checksumOf('base'));
    },
  );

  it('keeps the checksum, derived from the secret values, a Pulumi secret', () => {
    expect(isSecretEnvelope(mocks.named('grafana-base-container').inputs.labels)).toBe(true);
    // Prometheus reloads its secret files: no checksum, nothing secret in its labels.
    expect(isSecretEnvelope(mocks.named('holder-prometheus-container').inputs.labels)).toBe(false);
    expect(JSON.stringify(inputs('holder-prometheus-container').labels)).not.toContain(
      RESTART_CHECKSUM_LABEL,
    );
  });

  it('refuses config folders below no common folder but /, naming the workload', () => {
    const scattered = { ...grafana, configDirs: ['/etc/grafana', '/srv/dashboards'] };
    expect(() => dockerConfigFolder('grafana', scattered)).toThrow(
      'grafana: a workload with files on Docker needs its config folders below one folder other than / and a data volume, has /etc/grafana, /srv/dashboards',
    );
  });
});

describe('the config holder script', () => {
  const root = mkdtempSync(join(tmpdir(), 'promstack-holder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // The images' shell and applets (busybox, installed by `npm run tools`), never this machine's own.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  spawnSync(findTool('busybox'), ['--install', '-s', bin]);

  const tree = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else out[relative(dir, path)] = readFileSync(path, 'utf8');
      }
    };
    walk(dir);
    return out;
  };

  it('replaces what the volume held with exactly the staged files, then waits to be stopped', async () => {
    const staging = join(root, 'staging');
    const volume = join(root, 'volume');
    mkdirSync(join(staging, 'rules'), { recursive: true });
    writeFileSync(join(staging, 'prometheus.yml'), 'global: {}\n');
    writeFileSync(join(staging, 'rules', 'orders.yml'), 'groups: []\n');
    // What the last holder left: a rule file since dropped from the stack, and hidden files.
    mkdirSync(join(volume, 'rules'), { recursive: true });
    writeFileSync(join(volume, 'rules', 'dropped.yml'), 'groups: []\n');
    writeFileSync(join(volume, '.hidden'), 'x');
    writeFileSync(join(volume, '..odd'), 'x');
    const marker = join(root, 'copied');
    const holder = startProcess(
      'holder',
      join(bin, 'sh'),
      ['-c', CONFIG_HOLDER_SCRIPT, 'config-holder', staging, volume, marker],
      { env: { PATH: bin } },
    );
    try {
      await waitFor(async () => (existsSync(marker) ? true : undefined), {
        timeoutMs: 10_000,
        describe: () => `the holder never marked its copy: ${holder.output()}`,
      });
      expect(tree(volume)).toEqual(tree(staging));
      expect(holder.child.exitCode).toBeNull();
    } finally {
      await holder.stop(2000);
    }
    // Stopped by SIGTERM, it leaves at once and cleanly.
    expect(holder.child.exitCode).toBe(0);
  });
});
