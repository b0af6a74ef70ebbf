import { resolve } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, isSecretEnvelope, plainPart, unwrapSecrets, type Registered } from '../pulumi/testing';
import { synthStack, type StackConfigInput } from '../stack';
import { imagePinProblem, IMAGES } from '../stack/images';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { exampleBackendWorkload } from './dev-extras';
import { deployDockerWorkload, dockerNetwork, type DockerPlacement } from './docker';
import { dockerConfigFolder } from './docker-config';
import { webConfigYaml } from './web-auth';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload, type Workload } from './workload';

const mocks = installMocks('dev');

const SECRETS = secretValues(TEST_STACK_SECRETS.docker);

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, { transformations: [mocks.transformation] });
  }
}

type Config = StackConfigInput & Record<string, unknown>;

function deploy(name: string, config: Config) {
  const synth = synthStack(config, services, { environment: 'dev' });
  const parent = new Parent(name);
  const base = {
    prefix: `promstack-${name}`,
    retainVolumes: synth.config.docker.retainVolumes,
    labels: { env: name },
  };
  const placement: DockerPlacement = {
    platform: 'docker',
    ...base,
    network: dockerNetwork(name, base, { parent }),
  };
  const workloads = [
    prometheusWorkload(synth),
    alertmanagerWorkload(synth),
    grafanaWorkload(synth),
    exampleBackendWorkload(synth),
  ];
  for (const w of workloads)
    deployDockerWorkload(`${name}-${w.name}`, w, placement, { parent, secrets: SECRETS });
  return { synth, workloads };
}

const dev = testStackConfig('docker') as Config;
const devStack = deploy('dev', dev);
const haStack = deploy('ha', {
  ...dev,
  alertmanager: { replicas: 3 },
  docker: { ...dev.docker, grafanaBindAddress: '0.0.0.0', retainVolumes: false },
});

const of = (stack: string, type: string): Registered[] =>
  mocks.ofType(type).filter((r) => r.name.startsWith(`${stack}-`));
const container = (name: string) => unwrapSecrets(mocks.named(`${name}-container`).inputs) as ContainerInputs;
/** The tools' own containers, not the config holders and reloaders beside them (docker-config.ts). */
const toolContainers = (stack: string) =>
  of(stack, 'docker:index/container:Container').filter((r) => /-container(-\d+)?$/.test(r.name));
/**
 * The uploads that carry a workload's files, at the paths the workload reads them: its config holder's,
 * staged below /promstack/staging for the folder the config volume takes the place of.
 */
function carrier(name: string, workload: Workload): { raw: Registered; uploads: ContainerInputs['uploads'] } {
  const raw = mocks.named(`${name}-config-holder`);
  const { dir } = dockerConfigFolder(name, workload);
  const uploads = (unwrapSecrets(raw.inputs) as ContainerInputs).uploads;
  return { raw, uploads: uploads.map((u) => ({ ...u, file: u.file.replace(/^\/promstack\/staging/, dir) })) };
}
const [prometheus, alertmanager, grafana] = devStack.workloads;

interface ContainerInputs {
  name: string;
  image: string;
  command: string[];
  envs?: string[];
  user: string;
  uploads: { file: string; content: string; owner?: string; group?: string; permissions: string }[];
  volumes: { volumeName: string; containerPath: string }[];
  networksAdvanced: { name: string; aliases: string[] }[];
  ports: { internal: number; external: number; ip: string }[];
  securityOpts: string[];
  capabilities: { drops: string[] };
  restart: string;
  healthcheck: { tests: string[] };
  readOnly: boolean;
  tmpfs?: Record<string, string>;
  cpus: string;
  memory: number;
  memorySwap: number;
}

beforeAll(() => mocks.settle());

describe('the Docker test stack', () => {
  it('makes one network, a pinned image per tool, a built backend, a volume per data folder, a container each', () => {
    const count = (type: string) => of('dev', type).length;
    expect({
      network: count('docker:index/network:Network'),
      remoteImages: count('docker:index/remoteImage:RemoteImage'),
      builtImages: count('docker:index/image:Image'),
      volumes: count('docker:index/volume:Volume'),
      containers: count('docker:index/container:Container'),
    }).toEqual({ network: 1, remoteImages: 3, builtImages: 1, volumes: 6, containers: 9 });
    // The three tools: a config volume and its holder each; Prometheus and Alertmanager a reloader each.
    expect(toolContainers('dev')).toHaveLength(4);
  });

  it('pulls the pinned images and runs them by image id', () => {
    const names = of('dev', 'docker:index/remoteImage:RemoteImage').map((r) => r.inputs.name as string);
    expect(names.sort()).toEqual([IMAGES.alertmanager, IMAGES.grafana, IMAGES.prometheus].sort());
    for (const name of names) expect(imagePinProblem(name)).toBeUndefined();
    expect(container('dev-prometheus').image).toBe(`sha256:id-of-${IMAGES.prometheus}`);
    expect(container('dev-example-backend').image).toBe('promstack/example-backend:local@sha256:built');
  });

  it('builds the example backend from backend/Dockerfile with the repository as context', () => {
    const [image] = of('dev', 'docker:index/image:Image');
    const build = image.inputs.build as { context: string; dockerfile: string };
    expect(build.context).toBe(resolve(__dirname, '..', '..'));
    expect(build.dockerfile).toBe(`${build.context}/backend/Dockerfile`);
    expect(image.inputs.skipPush).toBe(true);
  });

  it.each([
    ['dev-prometheus', 0],
    ['dev-alertmanager', 1],
    ['dev-grafana', 2],
  ] as const)('%s gets the workload flags and env', (name, i) => {
    const w: Workload = devStack.workloads[i];
    const c = container(name);
    expect(c.command).toEqual(w.args);
    expect(c.envs ?? []).toEqual(Object.entries(w.env).map(([k, v]) => `${k}=${v}`));
  });

  it.each([
    ['dev-prometheus', '127.0.0.1', 9090, 9090],
    ['dev-alertmanager', '127.0.0.1', 9093, 9093],
    ['dev-grafana', '127.0.0.1', 3000, 3000],
    ['dev-example-backend', '127.0.0.1', 8080, 18080],
  ])('%s publishes only on %s', (name, ip, internal, external) => {
    expect(container(name).ports).toEqual([{ internal, external, ip }]);
  });

  it('limits every container: memory as on Kubernetes with no swap beyond it, CPU at twice the request (one core at least)', () => {
    const limits = toolContainers('dev').map((r) => {
      const c = unwrapSecrets(r.inputs) as ContainerInputs;
      return [c.name, { cpus: c.cpus, memory: c.memory, memorySwap: c.memorySwap }];
    });
    const { prometheus, alertmanager, grafana } = devStack.synth.config;
    const mib = (quantity: string) => Number(quantity.slice(0, -2)) * (quantity.endsWith('Gi') ? 1024 : 1);
    const cores = (cpu: string) => (cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu));
    const expected = (r: { cpu: string; memory: string }) => ({
      cpus: String(Math.max(1, 2 * cores(r.cpu))),
      memory: mib(r.memory),
      memorySwap: mib(r.memory),
    });
    expect(Object.fromEntries(limits)).toEqual({
      'promstack-dev-prometheus': expected(prometheus.resources),
      'promstack-dev-alertmanager': expected(alertmanager.resources),
      'promstack-dev-grafana': expected(grafana.resources),
      'promstack-dev-example-backend': { cpus: '1', memory: 256, memorySwap: 256 },
    });
  });

  it('makes every root read-only, nothing uploaded into it, with a capped tmpfs for each scratch folder', () => {
    const fs = (name: string) => {
      const c = container(name);
      return { readOnly: c.readOnly, uploads: (c.uploads ?? []).length > 0, tmpfs: c.tmpfs };
    };
    // Docker refuses uploads into a read-only root: the tools read their files from the config volume.
    expect(fs('dev-prometheus')).toEqual({ readOnly: true, uploads: false, tmpfs: undefined });
    expect(fs('dev-alertmanager')).toEqual({ readOnly: true, uploads: false, tmpfs: undefined });
    expect(fs('dev-grafana')).toEqual({
      readOnly: true,
      uploads: false,
      tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
    });
    expect(fs('dev-example-backend')).toEqual({
      readOnly: true,
      uploads: false,
      tmpfs: { '/tmp': 'rw,noexec,nosuid,size=16m' },
    });
  });

  it('uploads each rendered config file as synthStack rendered it', () => {
    for (const [name, i] of [
      ['dev-prometheus', 0],
      ['dev-alertmanager', 1],
      ['dev-grafana', 2],
    ] as const) {
      const { uploads } = carrier(name, devStack.workloads[i]);
      for (const file of devStack.workloads[i].configFiles) {
        const upload = uploads.find((u) => u.file === file.path);
        expect(upload?.content).toBe(devStack.synth.files[file.source]);
        expect(upload?.permissions).toBe('0444');
      }
    }
    const promUploads = carrier('dev-prometheus', prometheus).uploads.map((u) => u.file);
    expect(promUploads).toContain('/etc/prometheus/prometheus.yml');
    expect(promUploads).toContain('/etc/prometheus/rules/orders.yml');
  });

  it('uploads secret files as secrets, readable by the workload user only', () => {
    const { raw, uploads } = carrier('dev-alertmanager', alertmanager);
    // One secret upload makes the whole uploads property secret: encrypted in state, hidden in previews.
    expect(isSecretEnvelope(raw.inputs.uploads)).toBe(true);
    expect(isSecretEnvelope(mocks.named('dev-example-backend-container').inputs.uploads)).toBe(false);
    expect(uploads.find((u) => u.file === '/etc/alertmanager/secrets/slack-webhook-url')).toEqual({
      file: '/etc/alertmanager/secrets/slack-webhook-url',
      content: SECRETS['slack-webhook-url'],
      owner: '65534',
      group: '65534',
      permissions: '0400',
    });
    const fromGrafana = carrier('dev-grafana', grafana);
    expect(isSecretEnvelope(fromGrafana.raw.inputs.uploads)).toBe(true);
    expect(
      fromGrafana.uploads.find((u) => u.file === '/etc/grafana/promstack/secrets/grafana-admin-password'),
    ).toEqual({
      file: '/etc/grafana/promstack/secrets/grafana-admin-password',
      content: SECRETS['grafana-admin-password'],
      owner: '472',
      group: '472',
      permissions: '0400',
    });
  });

  it.each(['dev-prometheus', 'dev-alertmanager'])(
    '%s asks for the login: its web config is uploaded as a secret, derived from the password, never the lifecycle API',
    (name) => {
      const c = container(name);
      const dir = name === 'dev-prometheus' ? '/etc/prometheus/secrets' : '/etc/alertmanager/secrets';
      expect(c.command).toContain(`--web.config.file=${dir}/promstack-web-config.yml`);
      expect(c.command.join(' ')).not.toContain('--web.enable-lifecycle');
      const { raw, uploads } = carrier(name, name === 'dev-prometheus' ? prometheus : alertmanager);
      expect(isSecretEnvelope(raw.inputs.uploads)).toBe(true);
      expect(uploads.find((u) => u.file === `${dir}/promstack-web-config.yml`)).toEqual({
        file: `${dir}/promstack-web-config.yml`,
        content: webConfigYaml(devStack.synth.config.webAuth, SECRETS['web-password']),
        owner: '65534',
        group: '65534',
        permissions: '0400',
      });
    },
  );

  it('runs no container with the lifecycle API', () => {
    const all = mocks.ofType('docker:index/container:Container');
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const c of all)
      expect(((unwrapSecrets(c.inputs) as ContainerInputs).command ?? []).join(' ')).not.toContain(
        '--web.enable-lifecycle',
      );
  });

  it('no secret value appears in any plain input', () => {
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    for (const value of Object.values(SECRETS)) expect(plain).not.toContain(value);
    expect(plain).not.toContain('$2b$');
    // ...while they do reach the containers, inside secret envelopes.
    const all = JSON.stringify(mocks.resources.map((r) => unwrapSecrets(r.inputs)));
    for (const value of Object.values(SECRETS)) expect(all).toContain(value);
  });

  it.each(['dev-prometheus', 'dev-alertmanager', 'dev-grafana', 'dev-example-backend'])(
    '%s is locked down: non-root, no capabilities, no new privileges, restarted, health-checked',
    (name) => {
      const c = container(name);
      expect(c.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(c.securityOpts).toEqual(['no-new-privileges:true']);
      expect(c.capabilities).toEqual({ drops: ['ALL'] });
      expect(c.restart).toBe('unless-stopped');
      // Behind the login, sh reads the password file when the check runs (health.ts).
      expect(c.healthcheck.tests.slice(0, 2)).toEqual(
        name === 'dev-prometheus' || name === 'dev-alertmanager' ? ['CMD', 'sh'] : ['CMD', 'wget'],
      );
      expect(c.healthcheck.tests.join(' ')).not.toContain(SECRETS['web-password']);
      expect(mocks.options.get(`${name}-container`)).toMatchObject({
        deleteBeforeReplace: true,
        parentName: 'dev',
      });
    },
  );

  it('joins every container to the private network under its stable aliases', () => {
    const network = of('dev', 'docker:index/network:Network')[0];
    expect(network.inputs).toMatchObject({ name: 'promstack-dev', driver: 'bridge' });
    expect(network.inputs.internal).toBeUndefined();
    expect(container('dev-prometheus').networksAdvanced).toEqual([
      { name: 'promstack-dev', aliases: ['prometheus'] },
    ]);
    expect(container('dev-example-backend').networksAdvanced[0].aliases).toEqual([
      'example-backend',
      'orders',
    ]);
    expect(container('dev-grafana').name).toBe('promstack-dev-grafana');
  });

  it('keeps data on named volumes that outlive the stack when retainVolumes', () => {
    expect(container('dev-prometheus').volumes).toEqual([
      { volumeName: 'promstack-dev-prometheus-data', containerPath: '/prometheus' },
      { volumeName: 'promstack-dev-prometheus-config', containerPath: '/etc/prometheus', readOnly: true },
    ]);
    for (const volume of of('dev', 'docker:index/volume:Volume'))
      expect(mocks.options.get(volume.name)?.retainOnDelete).toBe(true);
  });
});

describe('three Alertmanagers on Docker', () => {
  it('runs a member per replica, each with its own volume and alias, all peering', () => {
    const containers = toolContainers('ha')
      .filter((r) => r.name.startsWith('ha-alertmanager'))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(containers.map((c) => c.name)).toEqual([
      'ha-alertmanager-container-0',
      'ha-alertmanager-container-1',
      'ha-alertmanager-container-2',
    ]);
    const all = containers.map((c) => unwrapSecrets(c.inputs) as ContainerInputs);
    expect(all.map((c) => c.networksAdvanced[0].aliases)).toEqual([
      ['alertmanager-0', 'alertmanager'],
      ['alertmanager-1', 'alertmanager'],
      ['alertmanager-2', 'alertmanager'],
    ]);
    expect(all.map((c) => c.volumes[0].volumeName)).toEqual([
      'promstack-ha-alertmanager-0-data',
      'promstack-ha-alertmanager-1-data',
      'promstack-ha-alertmanager-2-data',
    ]);
    for (const c of all) expect(c.command).toContain('--cluster.peer=alertmanager-2:9094');
    expect(all.map((c) => c.ports.length)).toEqual([1, 0, 0]);
  });

  it('publishes Grafana on the configured address and lets volumes go when retainVolumes is false', () => {
    expect(container('ha-grafana').ports).toEqual([{ internal: 3000, external: 3000, ip: '0.0.0.0' }]);
    for (const volume of of('ha', 'docker:index/volume:Volume'))
      expect(mocks.options.get(volume.name)?.retainOnDelete).toBe(false);
    expect(haStack.workloads[1].replicas).toBe(3);
  });
});
