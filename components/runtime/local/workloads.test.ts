import { services } from '../../../infra/services';
import { exampleBackendWorkload } from '../../platforms/dev-extras';
import { alertmanagerWorkload, localAlertmanagerWorkloads } from '../../platforms/workload';
import { synthStack, validateStack, type StackConfigInput } from '../../stack';
import { testStackConfig } from '../../stack/testing';
import { localLayout, localPaths } from './layout';
import { defaultLocalPorts } from './ports';

const dev = (changes: Partial<StackConfigInput> = {}): StackConfigInput => ({
  ...testStackConfig('docker'),
  ...changes,
});
const layout = localLayout(localPaths('/run/stack'));
const localSynth = (config: StackConfigInput) =>
  synthStack(config, services, { environment: 'dev', platform: 'local', layout });

describe('Alertmanager members as local processes', () => {
  const members = [
    { port: 9093, clusterPort: 9094, dataDir: '/run/stack/data/alertmanager-0' },
    { port: 9095, clusterPort: 9096, dataDir: '/run/stack/data/alertmanager-1' },
    { port: 9097, clusterPort: 9098, dataDir: '/run/stack/data/alertmanager-2' },
  ];

  it('gives each member its own ports and data folder, and every gossip port as a peer', () => {
    const synth = localSynth(dev({ alertmanager: { replicas: 3 } }));
    const workloads = localAlertmanagerWorkloads(synth, members, { layout });
    expect(workloads.map((w) => w.name)).toEqual(['alertmanager-0', 'alertmanager-1', 'alertmanager-2']);
    const peers = ['127.0.0.1:9094', '127.0.0.1:9096', '127.0.0.1:9098'];
    workloads.forEach((w, i) => {
      expect(w.args).toEqual([
        '--config.file=/run/stack/config/alertmanager/alertmanager.yml',
        `--storage.path=${members[i].dataDir}`,
        '--data.retention=120h',
        '--data.maintenance-interval=30s',
        `--web.listen-address=127.0.0.1:${members[i].port}`,
        // One web config for all members: they share the login.
        '--web.config.file=/run/stack/secrets/promstack-web-config.yml',
        `--cluster.listen-address=127.0.0.1:${members[i].clusterPort}`,
        ...peers.map((p) => `--cluster.peer=${p}`),
        '--cluster.gossip-interval=200ms',
        '--cluster.settle-timeout=16s',
      ]);
      expect(w.replicas).toBe(1);
      expect(w.cluster).toEqual({ port: members[i].clusterPort, peers });
      expect(w.healthCheck.port).toBe(members[i].port);
      expect(w.volumes).toEqual([expect.objectContaining({ path: members[i].dataDir })]);
    });
  });

  it('runs a lone member exactly as the single-instance description, clustering off', () => {
    const synth = localSynth(dev());
    const [lone] = localAlertmanagerWorkloads(synth, [members[0]], { layout });
    const single = alertmanagerWorkload(synth, {
      platform: 'local',
      layout,
      dataDirs: { alertmanager: members[0].dataDir },
    });
    expect(lone).toEqual(single);
    expect(lone.args).toContain('--cluster.listen-address=');
  });

  it('leaves the Docker and Kubernetes descriptions as they were', () => {
    const synth = synthStack(dev({ alertmanager: { replicas: 3 } }), services, { environment: 'dev' });
    expect(alertmanagerWorkload(synth).cluster?.peers).toEqual([
      'alertmanager-0:9094',
      'alertmanager-1:9094',
      'alertmanager-2:9094',
    ]);
    expect(exampleBackendWorkload(synth).env.PORT).toBe('8080');
  });
});

describe('the example backend as a local process', () => {
  it.each([
    [undefined, '18080'],
    [28080, '28080'],
  ])('with port option %s listens on %s, where its health check looks', (port, expected) => {
    const w = exampleBackendWorkload(localSynth(dev()), {
      platform: 'local',
      ...(port ? { exampleBackendPort: port } : {}),
    });
    expect(w.env).toMatchObject({ HOST: '127.0.0.1', PORT: expected });
    expect(w.healthCheck.port).toBe(Number(expected));
  });

  it('is where the catalogue scrapes it locally', () => {
    expect(services.find((s) => s.name === 'orders')?.scrape.targets.local).toEqual(['127.0.0.1:18080']);
    expect(defaultLocalPorts(validateStack(dev(), services)).exampleBackend).toBe(18080);
  });
});

describe('default local ports', () => {
  it.each([
    [1, [{ web: 9093, cluster: 9094 }]],
    [
      3,
      [
        { web: 9093, cluster: 9094 },
        { web: 9095, cluster: 9096 },
        { web: 9097, cluster: 9098 },
      ],
    ],
  ])('%d Alertmanager replicas: %j', (replicas, alertmanagers) => {
    const config = validateStack(dev({ alertmanager: { replicas } }), services);
    expect(defaultLocalPorts(config)).toEqual({
      prometheus: 9090,
      alertmanagers,
      grafana: 3000,
      exampleBackend: 18080,
    });
  });
});
