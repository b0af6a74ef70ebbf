import { services } from '../../infra/services';
import { defineService } from '../service';
import { synthStack, type StackConfigInput } from '../stack';
import { IMAGES, imagePinProblem } from '../stack/images';
import { layoutUnder, testStackConfig } from '../stack/testing';
import { exampleBackendWorkload } from './dev-extras';
import {
  alertmanagerWorkload,
  configChecksum,
  discoveryNamespaces,
  grafanaWorkload,
  outermostDirs,
  prometheusWorkload,
  secretsNeeded,
  type Workload,
} from './workload';

type Config = StackConfigInput & Record<string, unknown>;
const dev = (): Config => testStackConfig('docker') as Config;
const synthOf = (config: Config, environment = 'dev') => synthStack(config, services, { environment });
const kubernetes = (changes: Partial<Config> = {}): Config => ({
  ...(testStackConfig('kubernetes') as Config),
  ...changes,
});

describe('prometheusWorkload', () => {
  it('runs the pinned image with the config, TSDB, retention, listen and web config flags, and no lifecycle API', () => {
    const w = prometheusWorkload(synthOf(dev()));
    expect(w.image).toBe(IMAGES.prometheus);
    expect(w.args).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=7d',
      '--web.listen-address=0.0.0.0:9090',
      '--web.config.file=/etc/prometheus/secrets/promstack-web-config.yml',
    ]);
  });

  it('derives its web config from the password secret, which its health check and clients read too', () => {
    const config = dev();
    config.webAuth = { username: 'ops', passwordSecret: 'ops-web' };
    const synth = synthOf(config);
    const w = prometheusWorkload(synth);
    expect(w.secretFiles).toEqual([
      { path: '/etc/prometheus/secrets/ops-web', secretName: 'ops-web' },
      {
        path: '/etc/prometheus/secrets/promstack-web-config.yml',
        secretName: 'promstack-web-config.yml',
        webConfigOf: { username: 'ops', passwordSecret: 'ops-web' },
      },
    ]);
    expect(w.healthCheck.basicAuth).toEqual({
      username: 'ops',
      passwordFile: '/etc/prometheus/secrets/ops-web',
    });
    expect(secretsNeeded([w])).toEqual(['ops-web']);
    // Alerts to Alertmanager and the scrapes of both log in with the same file.
    const prom = synth.rendered.prometheus;
    const login = { username: 'ops', password_file: '/etc/prometheus/secrets/ops-web' };
    expect(prom.alerting?.alertmanagers?.[0].basic_auth).toEqual(login);
    for (const job of ['prometheus', 'alertmanager'])
      expect(prom.scrape_configs?.find((j) => j.job_name === job)?.basic_auth).toEqual(login);
    // Grafana's /metrics has no login.
    expect(prom.scrape_configs?.find((j) => j.job_name === 'grafana')?.basic_auth).toBeUndefined();
  });

  it('adds the size cap when retentionSize is set', () => {
    const config = dev();
    config.prometheus = { ...config.prometheus, retentionSize: '18GB' };
    expect(prometheusWorkload(synthOf(config)).args).toContain('--storage.tsdb.retention.size=18GB');
  });

  it('carries prometheus.yml, every rule file and scrape job file as rendered, but not the promtool tests', () => {
    const synth = synthOf(dev());
    const w = prometheusWorkload(synth);
    const expected = Object.keys(synth.files).filter((k) =>
      /^prometheus\/(prometheus\.yml|rules\/|scrape\/)/.test(k),
    );
    expect(w.configFiles.map((f) => f.source)).toEqual(expected);
    for (const file of w.configFiles) {
      expect(file.content).toBe(synth.files[file.source]);
      expect(file.path).toBe(`/etc/prometheus/${file.source.slice('prometheus/'.length)}`);
    }
    expect(w.configFiles.some((f) => f.source.includes('/tests/'))).toBe(false);
  });

  it.each([
    ['docker', dev(), { hostAddress: '127.0.0.1', hostPort: 9090 }, 1],
    ['kubernetes', kubernetes({ prometheus: { replicas: 2 } }), undefined, 2],
  ] as const)('on %s publishes %j and runs %i replica(s)', (_platform, config, publish, replicas) => {
    const w = prometheusWorkload(synthOf(config));
    expect(w.ports).toEqual([{ name: 'http', container: 9090, publish }]);
    expect(w.replicas).toBe(replicas);
  });

  it('mounts the remote-write password where prometheus.yml names it', () => {
    const synth = synthStack(testStackConfig('kubernetes'), services, { environment: 'prod' });
    const w = prometheusWorkload(synth);
    expect(w.secretFiles.filter((f) => f.secretName.startsWith('mimir'))).toEqual([
      { path: '/etc/prometheus/secrets/mimir-password', secretName: 'mimir-password' },
    ]);
    expect(synth.files['prometheus/prometheus.yml']).toContain(
      'password_file: /etc/prometheus/secrets/mimir-password',
    );
    expect(w.configDirs).toEqual(['/etc/prometheus']);
  });
});

describe('alertmanagerWorkload', () => {
  it.each([
    ['docker, 1 replica', dev(), ['--cluster.listen-address='], 1],
    [
      'docker, 3 replicas',
      { ...dev(), alertmanager: { replicas: 3 } },
      [
        '--cluster.listen-address=0.0.0.0:9094',
        '--cluster.peer=alertmanager-0:9094',
        '--cluster.peer=alertmanager-1:9094',
        '--cluster.peer=alertmanager-2:9094',
        '--cluster.gossip-interval=200ms',
        '--cluster.settle-timeout=16s',
      ],
      3,
    ],
    [
      'kubernetes, 3 replicas',
      kubernetes({ alertmanager: { replicas: 3 }, kubernetes: { namespace: 'obs' } }),
      [
        '--cluster.listen-address=0.0.0.0:9094',
        '--cluster.advertise-address=$(POD_IP):9094',
        '--cluster.peer=alertmanager-0.alertmanager.obs.svc:9094',
        '--cluster.peer=alertmanager-1.alertmanager.obs.svc:9094',
        '--cluster.peer=alertmanager-2.alertmanager.obs.svc:9094',
        '--cluster.gossip-interval=200ms',
        '--cluster.settle-timeout=16s',
      ],
      3,
    ],
  ] as const)('%s: cluster flags', (_case, config, clusterFlags, replicas) => {
    const w = alertmanagerWorkload(synthOf(config as Config));
    expect(w.args).toEqual([
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--data.retention=120h',
      '--data.maintenance-interval=30s',
      '--web.listen-address=0.0.0.0:9093',
      '--web.config.file=/etc/alertmanager/secrets/promstack-web-config.yml',
      ...clusterFlags,
    ]);
    expect(w.replicas).toBe(replicas);
    expect(w.cluster?.peers.length ?? 1).toBe(replicas);
    expect(w.ports.some((p) => p.name === 'cluster' && p.udp)).toBe(replicas > 1);
  });

  it('runs one instance locally, with clustering off', () => {
    const w = alertmanagerWorkload(synthOf({ ...dev(), alertmanager: { replicas: 3 } }), {
      platform: 'local',
    });
    expect(w.replicas).toBe(1);
    expect(w.args).toContain('--cluster.listen-address=');
    expect(w.args).toContain('--web.listen-address=127.0.0.1:9093');
  });

  it('the instances Prometheus alerts are the names the cluster members get', () => {
    const synth = synthOf({ ...dev(), alertmanager: { replicas: 2 } });
    const w = alertmanagerWorkload(synth);
    for (const peer of w.cluster!.peers) {
      const host = peer.split(':')[0];
      expect(synth.files['prometheus/prometheus.yml']).toContain(`- ${host}:9093`);
    }
  });

  it('mounts the Slack webhook URL file the receiver names', () => {
    const synth = synthOf(dev());
    const w = alertmanagerWorkload(synth);
    expect(w.secretFiles).toEqual([
      { path: '/etc/alertmanager/secrets/slack-webhook-url', secretName: 'slack-webhook-url' },
      { path: '/etc/alertmanager/secrets/web-password', secretName: 'web-password' },
      {
        path: '/etc/alertmanager/secrets/promstack-web-config.yml',
        secretName: 'promstack-web-config.yml',
        webConfigOf: { username: 'promstack', passwordSecret: 'web-password' },
      },
    ]);
    expect(synth.files['alertmanager/alertmanager.yml']).toContain(
      'api_url_file: /etc/alertmanager/secrets/slack-webhook-url',
    );
    expect(w.configFiles.map((f) => f.path)).toEqual([
      '/etc/alertmanager/alertmanager.yml',
      '/etc/alertmanager/templates/promstack.tmpl',
    ]);
  });
});

describe('grafanaWorkload', () => {
  it('reads the admin password from a secret file and provisions datasources and dashboards', () => {
    const synth = synthOf(dev());
    const w = grafanaWorkload(synth);
    expect(w.env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe(
      '/etc/grafana/promstack/secrets/grafana-admin-password',
    );
    expect(w.env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    expect(w.env.GF_PATHS_PROVISIONING).toBe('/etc/grafana/promstack/provisioning');
    expect(w.secretFiles).toEqual([
      { path: '/etc/grafana/promstack/secrets/grafana-admin-password', secretName: 'grafana-admin-password' },
      { path: '/etc/grafana/promstack/secrets/grafana-secret-key', secretName: 'grafana-secret-key' },
      { path: '/etc/grafana/promstack/secrets/web-password', secretName: 'web-password' },
    ]);
    const paths = w.configFiles.map((f) => f.path);
    expect(paths).toContain('/etc/grafana/promstack/provisioning/datasources/promstack.yaml');
    expect(paths).toContain('/etc/grafana/promstack/dashboards/promstack-overview.json');
    expect(w.configDirs).toEqual([
      '/etc/grafana/promstack/dashboards',
      '/etc/grafana/promstack/provisioning',
      '/etc/grafana/promstack/secrets',
    ]);
    for (const file of w.configFiles) expect(file.content).toBe(synth.files[file.source]);
  });

  it('keeps sessions to the root URL: secure cookies behind https, same-site only, no anonymous users', () => {
    const behindHttps = grafanaWorkload(synthOf(kubernetes({})));
    expect(behindHttps.env).toEqual(
      expect.objectContaining({
        GF_SERVER_ROOT_URL: 'https://grafana.example.com/',
        GF_SECURITY_COOKIE_SECURE: 'true',
        GF_SECURITY_COOKIE_SAMESITE: 'strict',
        GF_AUTH_ANONYMOUS_ENABLED: 'false',
        GF_SECURITY_ALLOW_EMBEDDING: 'false',
      }),
    );
    const plainHttp = grafanaWorkload(synthOf({ ...dev(), grafana: { rootUrl: 'http://127.0.0.1:3000' } }));
    expect(plainHttp.env.GF_SECURITY_COOKIE_SECURE).toBeUndefined();
    expect(plainHttp.env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
  });

  it.each([
    ['127.0.0.1', 3000],
    ['0.0.0.0', 3300],
  ])('publishes on the configured address %s:%i', (address, port) => {
    const config = dev();
    config.docker = { ...config.docker, grafanaBindAddress: address };
    config.grafana = { port };
    const w = grafanaWorkload(synthOf(config));
    expect(w.ports[0]).toEqual({
      name: 'http',
      container: 3000,
      publish: { hostAddress: address, hostPort: port },
    });
  });

  it('logs its datasources in to Prometheus and Alertmanager with the password file, never its value', () => {
    const synth = synthOf(dev());
    const datasources = synth.files['grafana/provisioning/datasources/promstack.yaml'];
    const login = [
      'basicAuth: true',
      'basicAuthUser: promstack',
      'basicAuthPassword: $__file{/etc/grafana/promstack/secrets/web-password}',
    ];
    for (const line of login) expect(datasources.split(line)).toHaveLength(3);
    expect(grafanaWorkload(synth).secretFiles.map((f) => f.secretName)).toContain('web-password');
  });

  it('names a different admin password secret when the config says so', () => {
    const config = dev();
    config.grafana = { adminPasswordSecret: 'ops-grafana' };
    expect(secretsNeeded([grafanaWorkload(synthOf(config))])).toEqual([
      'grafana-secret-key',
      'ops-grafana',
      'web-password',
    ]);
  });
});

describe('exampleBackendWorkload', () => {
  it('is built from backend/Dockerfile and answers as the catalogue target orders:8080', () => {
    const w = exampleBackendWorkload(synthOf(dev()));
    expect(w.build).toEqual({ context: '.', dockerfile: 'backend/Dockerfile' });
    expect(w.aliases).toEqual(['orders']);
    expect(w.env).toMatchObject({ PORT: '8080', HOST: '0.0.0.0' });
    expect(services.find((s) => s.name === 'orders')?.scrape.targets.docker).toEqual([
      `orders:${w.ports[0].container}`,
    ]);
    expect(w.ports[0].publish).toEqual({ hostAddress: '127.0.0.1', hostPort: 18080 });
  });
});

describe('every workload', () => {
  const synth = synthOf(dev());
  const all: [string, Workload][] = [
    ['prometheus', prometheusWorkload(synth)],
    ['alertmanager', alertmanagerWorkload(synth)],
    ['grafana', grafanaWorkload(synth)],
    ['example-backend', exampleBackendWorkload(synth)],
  ];

  it.each(all)('%s runs as a non-root user with a pinned image and a health check', (_name, w) => {
    expect(w.user.uid).toBeGreaterThan(0);
    expect(w.user.gid).toBeGreaterThan(0);
    if (!w.build) expect(imagePinProblem(w.image)).toBeUndefined();
    expect(w.healthCheck.httpPath).toMatch(/^\//);
    expect(w.ports.map((p) => p.container)).toContain(w.healthCheck.port);
  });

  it.each(all)('%s keeps every config and secret file inside its config folders', (_name, w) => {
    for (const file of [...w.configFiles, ...w.secretFiles])
      expect(w.configDirs.some((dir) => file.path.startsWith(`${dir}/`))).toBe(true);
  });

  it('Grafana reaches Prometheus and Alertmanager where those listen', () => {
    const datasources = synth.files['grafana/provisioning/datasources/promstack.yaml'];
    expect(datasources).toContain(`url: http://${all[0][1].name}:${all[0][1].ports[0].container}`);
    expect(datasources).toContain(`url: http://${all[1][1].name}:${all[1][1].ports[0].container}`);
  });

  it('maps every path into a local layout, listening on 127.0.0.1', () => {
    const layout = layoutUnder('/tmp/run');
    const local = synthStack(dev(), services, { environment: 'dev', platform: 'local', layout });
    const options = {
      platform: 'local' as const,
      layout,
      dataDirs: {
        prometheus: '/tmp/run/data/prometheus',
        alertmanager: '/tmp/run/data/am',
        grafana: '/tmp/run/data/g',
      },
    };
    const workloads = [
      prometheusWorkload(local, options),
      alertmanagerWorkload(local, options),
      grafanaWorkload(local, options),
    ];
    for (const w of workloads) {
      for (const file of [...w.configFiles, ...w.secretFiles, ...w.volumes])
        expect(file.path).toMatch(/^\/tmp\/run\//);
      expect(w.ports.every((p) => p.publish === undefined)).toBe(true);
    }
    expect(workloads[0].args).toContain('--config.file=/tmp/run/prometheus/prometheus.yml');
    expect(workloads[0].args).toContain('--web.listen-address=127.0.0.1:9090');
    expect(workloads[2].env.GF_SERVER_HTTP_ADDR).toBe('127.0.0.1');
  });
});

describe('configChecksum', () => {
  const base = { configFiles: [{ path: '/a', content: 'x', source: 'a' }], secretFiles: [] };
  it.each([
    ['content', { ...base, configFiles: [{ path: '/a', content: 'y', source: 'a' }] }],
    ['path', { ...base, configFiles: [{ path: '/b', content: 'x', source: 'a' }] }],
    ['secret file', { ...base, secretFiles: [{ path: '/s/k', secretName: 'k' }] }],
  ])('changes with the %s', (_what, changed) => {
    expect(configChecksum(changed)).not.toBe(configChecksum(base));
  });

  it('ignores file order', () => {
    const files = [
      { path: '/a', content: '1', source: 'a' },
      { path: '/b', content: '2', source: 'b' },
    ];
    expect(configChecksum({ configFiles: files, secretFiles: [] })).toBe(
      configChecksum({ configFiles: [...files].reverse(), secretFiles: [] }),
    );
  });

  it('of a workload that reloads its files, covers only what a restart applies (its secret files)', () => {
    const reload = { process: 'prometheus' };
    const reloaded = { ...base, reload };
    expect(configChecksum({ ...reloaded, configFiles: [{ path: '/b', content: 'y', source: 'b' }] })).toBe(
      configChecksum(reloaded),
    );
    expect(configChecksum({ ...reloaded, secretFiles: [{ path: '/s/k', secretName: 'k' }] })).not.toBe(
      configChecksum(reloaded),
    );
    expect(prometheusWorkload(synthOf(dev())).reload).toEqual({ process: 'prometheus' });
    expect(alertmanagerWorkload(synthOf(dev())).reload).toEqual({ process: 'alertmanager' });
    expect(grafanaWorkload(synthOf(dev())).reload).toBeUndefined();
  });
});

describe('helpers', () => {
  it.each([
    [['/etc/prometheus', '/etc/prometheus/secrets'], ['/etc/prometheus']],
    [
      ['/etc/grafana/provisioning', '/etc/grafana/secrets/'],
      ['/etc/grafana/provisioning', '/etc/grafana/secrets'],
    ],
    [
      ['/a/b', '/a/bc'],
      ['/a/b', '/a/bc'],
    ],
  ])('outermostDirs(%j) is %j', (dirs, expected) => {
    expect(outermostDirs(dirs)).toEqual(expected);
  });

  it('lists the namespaces whose pods Prometheus discovers', () => {
    const extra = defineService({
      name: 'billing',
      team: 'shop',
      scrape: {
        targets: { kubernetes: { namespace: 'billing', podLabels: { app: 'billing' }, port: 9000 } },
      },
      metrics: {},
    });
    expect(discoveryNamespaces([...services, extra, ...services])).toEqual(['billing', 'shop']);
  });
});
