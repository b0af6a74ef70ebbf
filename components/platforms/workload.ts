import { createHash } from 'node:crypto';
import { compareText } from '../model/errors';
import { sortKeys } from '../model/names';
import type { ServiceDefinition } from '../service';
import type { StackConfig } from '../stack/config';
import { ALERTMANAGER_GOSSIP } from '../stack/alertmanager-gossip';
import { CONTAINER_LAYOUT, NAMES, PORTS, type Platform, type StackLayout } from '../stack/layout';
import { OUTPUT_PATHS } from '../stack/paths';
import type { SynthResult } from '../stack/synth';
import type { ConfigReload } from './config-reloader';
import { WEB_CONFIG_FILE } from './web-auth';

/** A port a workload listens on; `publish` only where the host must reach it (Docker). */
export interface WorkloadPort {
  /** Port name: `http` for the UI/API, `cluster` for Alertmanager gossip. */
  name: string;
  container: number;
  /** Gossip runs over TCP and UDP; everything else is TCP only. */
  udp?: boolean;
  publish?: { hostAddress: string; hostPort: number };
  /** The port serves HTTPS (webAuth.tls): its URLs and health check use https. */
  tls?: true;
}

/** A rendered file the workload reads, at its path inside the container (or local folder). */
export interface ConfigFile {
  path: string;
  content: string;
  /** The synthStack key it came from, e.g. `prometheus/rules/orders.yml`. */
  source: string;
}

/** A stack secret the workload reads from a file. */
export interface SecretFile {
  path: string;
  /** The stack secret, or (with `webConfigOf`) the file's own name, its Kubernetes Secret key. */
  secretName: string;
  /**
   * Set on the web config: its content is derived from this login's password secret (webConfigYaml)
   * where the platform materialises secrets, so that the hash never reaches synth's files.
   */
  webConfigOf?: StackConfig['webAuth'];
}

/**
 * A folder the process writes but need not keep (temporary files): a Kubernetes emptyDir, a Docker tmpfs,
 * both capped at `sizeHint`. With these the root file system can be read-only.
 */
export interface ScratchDir {
  path: string;
  /** Kubernetes quantity in Mi or Gi: the emptyDir's sizeLimit, the tmpfs's size. */
  sizeHint: string;
}

/** Persistent data: a Docker named volume, a Kubernetes PersistentVolumeClaim. */
export interface WorkloadVolume {
  name: string;
  path: string;
  /** Kubernetes quantity to request (Docker volumes have no size). */
  sizeHint: string;
}

export interface HealthCheck {
  /** Liveness: the process answers. */
  httpPath: string;
  /** Readiness: the process serves (after WAL replay, config load); default httpPath. */
  readyPath?: string;
  port: number;
  /** Time to allow before failures count (Prometheus replays its WAL first). */
  startPeriodSeconds: number;
  /** The login the endpoints ask for: the check reads the password from this file (health.ts). */
  basicAuth?: { username: string; passwordFile: string };
  /** The port serves HTTPS (webAuth.tls). */
  tls?: true;
}

/**
 * One platform-neutral description of a process of the stack: Docker, Kubernetes and `promstack local`
 * start the same image or binary with the same flags, files and environment.
 */
export interface Workload {
  /** Stable name: Docker network alias and container suffix, Kubernetes StatefulSet/Service name. */
  name: string;
  /** Pinned image (pulled), or the tag a built image gets. */
  image: string;
  /** Set when the image is built rather than pulled; paths relative to the repository root. */
  build?: { context: string; dockerfile: string };
  /** Command-line flags, after the image's entrypoint. */
  args: string[];
  /** Environment, keys in code-unit order. */
  env: Record<string, string>;
  ports: WorkloadPort[];
  configFiles: ConfigFile[];
  secretFiles: SecretFile[];
  /**
   * Folders that hold every config and secret file, none inside another: a file elsewhere is refused.
   * Kubernetes mounts a read-only volume at each folder of files below them (configmaps.ts).
   */
  configDirs: string[];
  volumes: WorkloadVolume[];
  /** Writable folders that are not kept; none outside these and the volumes when the root is read-only. */
  scratchDirs: ScratchDir[];
  healthCheck: HealthCheck;
  /** Numeric, so that Kubernetes runAsNonRoot can verify it; the image's own non-root user. */
  user: { uid: number; gid: number };
  replicas: number;
  /** Alertmanager gossip when there is more than one replica: its port and every peer. */
  cluster?: { port: number; peers: string[] };
  /** Other names the workload is reached by on the Docker network (the catalogue's targets). */
  aliases: string[];
  /**
   * False where the tool writes outside its volumes and scratch folders. On Docker its files come from
   * a config volume (docker-config.ts), never as uploads, which Docker refuses into a read-only root.
   */
  readOnlyRootFilesystem: boolean;
  /** Kubernetes requests (CPU, memory) and limit (memory); Docker limits derived from them (container-limits.ts). */
  resources: { cpu: string; memory: string };
  /**
   * Set when the process re-reads its config files on a signal: its files then reach it by a reload
   * (a config reloader beside it, config-reloader.ts), never by a new container or pod.
   */
  reload?: ConfigReload;
  /**
   * Folders of config files the process reads again by itself, with neither a signal nor a restart
   * (Grafana's dashboard provider rereads its folder every updateIntervalSeconds).
   */
  polledDirs?: string[];
}

export interface WorkloadOptions {
  /** Default: the stack config's platform. */
  platform?: Platform;
  /** The layout synthStack rendered with (the rendered files name these paths). Default: containers'. */
  layout?: StackLayout;
  /** Data folders. Default: the images' own (`/prometheus`, `/alertmanager`, `/var/lib/grafana`). */
  dataDirs?: Partial<DataDirs>;
  /** Address the tools listen on. Default 0.0.0.0 in containers, 127.0.0.1 for local processes. */
  listenHost?: string;
  /** Ports the tools listen on. Default PORTS (what the rendered endpoints name). */
  ports?: Partial<Record<keyof typeof PORTS, number>>;
  /**
   * Alertmanager gossip peers (`host:port`). Default: alertmanagerPeers of the platform. Local processes
   * share one host, so each member is named by its own port (see localAlertmanagerWorkloads).
   */
  clusterPeers?: string[];
}

export interface DataDirs {
  prometheus: string;
  alertmanager: string;
  grafana: string;
}

export const IMAGE_DATA_DIRS: DataDirs = {
  prometheus: '/prometheus',
  alertmanager: '/alertmanager',
  grafana: '/var/lib/grafana',
};

/** The users the official images run as: nobody for Prometheus and Alertmanager, grafana (472). */
export const USERS = {
  prometheus: { uid: 65534, gid: 65534 },
  alertmanager: { uid: 65534, gid: 65534 },
  grafana: { uid: 472, gid: 472 },
} as const;

/** Grafana keeps users and preferences only (everything else is provisioned): a small volume. */
export const GRAFANA_STORAGE = '1Gi';

/** Grafana's temporary files (SQLite's temporary tables, CSV and image exports) go to /tmp. */
export const GRAFANA_TMP: ScratchDir = { path: '/tmp', sizeHint: '64Mi' };

/** WorkloadOptions with every default filled in. */
export interface ResolvedWorkloadOptions {
  platform: Platform;
  layout: StackLayout;
  data: DataDirs;
  host: string;
  ports: Record<keyof typeof PORTS, number>;
}

export function resolveWorkloadOptions(
  synth: SynthResult,
  options: WorkloadOptions,
): ResolvedWorkloadOptions {
  const platform = options.platform ?? synth.config.platform;
  return {
    platform,
    layout: options.layout ?? CONTAINER_LAYOUT,
    data: { ...IMAGE_DATA_DIRS, ...options.dataDirs },
    host: options.listenHost ?? (platform === 'local' ? '127.0.0.1' : '0.0.0.0'),
    ports: { ...PORTS, ...options.ports },
  };
}

/** Config files of one tool: synth keys below its folder (`prefix`, from OUTPUT_PATHS), at their path under `dir`. */
function filesUnder(synth: SynthResult, prefix: string, dir: string, skip?: string): ConfigFile[] {
  return Object.entries(synth.files)
    .filter(([key]) => key.startsWith(prefix) && !(skip && key.startsWith(skip)))
    .map(([key, content]) => ({ path: `${dir}/${key.slice(prefix.length)}`, content, source: key }));
}

function secretFilesOf(names: readonly string[], dir: string): SecretFile[] {
  return [...new Set(names)]
    .sort(compareText)
    .map((secretName) => ({ path: `${dir}/${secretName}`, secretName }));
}

/**
 * What Prometheus and Alertmanager need for their login: the web config (derived from the password
 * secret), the password file (the health check logs in with it) and the flag.
 */
function webAuthOf(synth: SynthResult, secretsDir: string) {
  const auth = synth.config.webAuth;
  const passwordFile = `${secretsDir}/${auth.passwordSecret}`;
  const webConfig = `${secretsDir}/${WEB_CONFIG_FILE}`;
  return {
    arg: `--web.config.file=${webConfig}`,
    // With TLS the certificate and key lie beside the web config, which names them (webConfigYaml).
    secretNames: [auth.passwordSecret, ...(auth.tls ? [auth.tls.certSecret, auth.tls.keySecret] : [])],
    // Spread into the http port and the health check; absent without TLS.
    tls: auth.tls ? { tls: true as const } : {},
    webConfigFile: { path: webConfig, secretName: WEB_CONFIG_FILE, webConfigOf: auth } satisfies SecretFile,
    basicAuth: { username: auth.username, passwordFile },
  };
}

/** The folders of `dirs` that are not inside another one of them, sorted. */
export function outermostDirs(dirs: readonly string[]): string[] {
  const unique = [...new Set(dirs.map((d) => d.replace(/\/+$/, '')))].sort(compareText);
  return unique.filter((dir) => !unique.some((other) => other !== dir && dir.startsWith(`${other}/`)));
}

/** A workload's environment: the variables that have a value, in code-unit order. */
export function workloadEnv(env: Record<string, string | undefined>): Record<string, string> {
  const defined = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return sortKeys(Object.fromEntries(defined));
}

/** Prometheus: one server per replica (Docker always one), scraping and evaluating the rendered rules. */
export function prometheusWorkload(synth: SynthResult, options: WorkloadOptions = {}): Workload {
  const o = resolveWorkloadOptions(synth, options);
  const p = synth.config.prometheus;
  const docker = synth.config.docker;
  const dir = o.layout.prometheusConfigDir;
  const web = webAuthOf(synth, o.layout.prometheusSecretsDir);
  const args = [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${o.data.prometheus}`,
    `--storage.tsdb.retention.time=${p.retention}`,
    ...(p.retentionSize ? [`--storage.tsdb.retention.size=${p.retentionSize}`] : []),
    // No --web.enable-lifecycle: POST /-/quit would stop Prometheus, and a changed config is read on
    // SIGHUP (the config reloader beside it, the local runtime).
    `--web.listen-address=${o.host}:${o.ports.prometheus}`,
    web.arg,
  ];
  return {
    name: NAMES.prometheus,
    image: p.image,
    args,
    env: {},
    ports: [
      {
        name: 'http',
        container: o.ports.prometheus,
        publish:
          o.platform === 'docker'
            ? { hostAddress: docker.bindAddress, hostPort: docker.prometheusPort }
            : undefined,
        ...web.tls,
      },
    ],
    // promtool unit tests are for CI, not for the server.
    configFiles: filesUnder(synth, OUTPUT_PATHS.prometheusDir, dir, OUTPUT_PATHS.testsDir),
    secretFiles: [
      ...secretFilesOf([...synth.secrets.prometheus, ...web.secretNames], o.layout.prometheusSecretsDir),
      web.webConfigFile,
    ],
    configDirs: outermostDirs([dir, o.layout.prometheusSecretsDir]),
    volumes: [{ name: 'data', path: o.data.prometheus, sizeHint: p.storageSize }],
    scratchDirs: [],
    healthCheck: {
      httpPath: '/-/healthy',
      readyPath: '/-/ready',
      port: o.ports.prometheus,
      startPeriodSeconds: 300,
      basicAuth: web.basicAuth,
      ...web.tls,
    },
    user: USERS.prometheus,
    replicas: o.platform === 'kubernetes' ? p.replicas : 1,
    aliases: [],
    readOnlyRootFilesystem: true,
    resources: p.resources,
    reload: { process: 'prometheus' },
  };
}

/**
 * Gossip peers of an Alertmanager cluster: each replica's stable name on the platform (Docker aliases
 * `alertmanager-N`, Kubernetes pod DNS through the headless Service). None locally: members on one host
 * need a port each, which localAlertmanagerWorkloads gives them.
 */
export function alertmanagerPeers(synth: SynthResult, platform: Platform, clusterPort: number): string[] {
  const replicas = platform === 'local' ? 1 : synth.config.alertmanager.replicas;
  if (replicas === 1) return [];
  const ns = synth.config.kubernetes.namespace;
  return Array.from({ length: replicas }, (_, i) =>
    platform === 'kubernetes'
      ? `${NAMES.alertmanager}-${i}.${NAMES.alertmanager}.${ns}.svc:${clusterPort}`
      : `${NAMES.alertmanager}-${i}:${clusterPort}`,
  );
}

/**
 * How often Alertmanager writes its silences and notification log to disk (`--data.maintenance-interval`,
 * upstream 15m). A stop (SIGTERM) writes them too, but a crash, an OOM kill or a lost node loses what
 * changed since the last write: silences created and notifications sent in the last 30 s at most (a
 * lost notification-log entry means one duplicate notification of its group). Each write is the whole
 * state, typically kilobytes (`alertmanager_silences_snapshot_size_bytes`), so 30 s costs little disk;
 * test/faults/alertmanager-crash.test.ts holds the bound on the real binary.
 */
export const ALERTMANAGER_SNAPSHOT_INTERVAL = '30s';

/** Alertmanager: a single instance, or a gossip cluster whose members deduplicate notifications. */
export function alertmanagerWorkload(synth: SynthResult, options: WorkloadOptions = {}): Workload {
  const o = resolveWorkloadOptions(synth, options);
  const am = synth.config.alertmanager;
  const docker = synth.config.docker;
  const dir = o.layout.alertmanagerConfigDir;
  const web = webAuthOf(synth, o.layout.alertmanagerSecretsDir);
  const peers = options.clusterPeers ?? alertmanagerPeers(synth, o.platform, o.ports.alertmanagerCluster);
  const cluster =
    peers.length > 0
      ? [
          `--cluster.listen-address=${o.host}:${o.ports.alertmanagerCluster}`,
          // Left to itself Alertmanager advertises the first private address it finds, and refuses to
          // start on a pod network outside the private ranges; the pod's own IP is always right.
          ...(o.platform === 'kubernetes'
            ? [`--cluster.advertise-address=$(POD_IP):${o.ports.alertmanagerCluster}`]
            : []),
          ...peers.map((p) => `--cluster.peer=${p}`),
          // What kubernetes.highAvailability.minReadySeconds is checked against (checkHighAvailability).
          ...ALERTMANAGER_GOSSIP.args,
        ]
      : // An empty address turns clustering off: a lone instance must not wait for peers.
        ['--cluster.listen-address='];
  return {
    name: NAMES.alertmanager,
    image: am.image,
    args: [
      `--config.file=${dir}/alertmanager.yml`,
      `--storage.path=${o.data.alertmanager}`,
      `--data.retention=${am.retention}`,
      `--data.maintenance-interval=${ALERTMANAGER_SNAPSHOT_INTERVAL}`,
      `--web.listen-address=${o.host}:${o.ports.alertmanager}`,
      web.arg,
      ...cluster,
    ],
    env: {},
    ports: [
      {
        name: 'http',
        container: o.ports.alertmanager,
        publish:
          o.platform === 'docker'
            ? { hostAddress: docker.bindAddress, hostPort: docker.alertmanagerPort }
            : undefined,
        ...web.tls,
      },
      ...(peers.length > 0 ? [{ name: 'cluster', container: o.ports.alertmanagerCluster, udp: true }] : []),
    ],
    configFiles: filesUnder(synth, OUTPUT_PATHS.alertmanagerDir, dir),
    secretFiles: [
      ...secretFilesOf([...synth.secrets.alertmanager, ...web.secretNames], o.layout.alertmanagerSecretsDir),
      web.webConfigFile,
    ],
    configDirs: outermostDirs([dir, o.layout.alertmanagerSecretsDir]),
    volumes: [{ name: 'data', path: o.data.alertmanager, sizeHint: am.storageSize }],
    scratchDirs: [],
    healthCheck: {
      httpPath: '/-/healthy',
      readyPath: '/-/ready',
      port: o.ports.alertmanager,
      startPeriodSeconds: 30,
      basicAuth: web.basicAuth,
      ...web.tls,
    },
    user: USERS.alertmanager,
    replicas: peers.length > 0 ? peers.length : 1,
    cluster: peers.length > 0 ? { port: o.ports.alertmanagerCluster, peers } : undefined,
    aliases: [],
    readOnlyRootFilesystem: true,
    resources: am.resources,
    reload: { process: 'alertmanager' },
  };
}

/** One member of an Alertmanager cluster run as a local process: its own ports and data folder. */
export interface LocalAlertmanagerMember {
  port: number;
  clusterPort: number;
  dataDir: string;
}

/**
 * Alertmanager as local processes on one host: one workload per member (`alertmanager-N` when there are
 * several), each with its own web and gossip port and data folder, every member listing all gossip
 * ports as peers, the same flags and files as a replica on Docker or Kubernetes otherwise.
 */
export function localAlertmanagerWorkloads(
  synth: SynthResult,
  members: readonly LocalAlertmanagerMember[],
  options: WorkloadOptions = {},
): Workload[] {
  const host = options.listenHost ?? '127.0.0.1';
  const peers = members.length > 1 ? members.map((m) => `${host}:${m.clusterPort}`) : [];
  return members.map((member, i) => ({
    ...alertmanagerWorkload(synth, {
      ...options,
      platform: 'local',
      listenHost: host,
      ports: { ...options.ports, alertmanager: member.port, alertmanagerCluster: member.clusterPort },
      dataDirs: { ...options.dataDirs, alertmanager: member.dataDir },
      clusterPeers: peers,
    }),
    name: members.length > 1 ? `${NAMES.alertmanager}-${i}` : NAMES.alertmanager,
    // Each workload is one process; the cluster is the list.
    replicas: 1,
  }));
}

/** Grafana: provisioned datasources and dashboards, the admin password read from a secret file. */
export function grafanaWorkload(synth: SynthResult, options: WorkloadOptions = {}): Workload {
  const o = resolveWorkloadOptions(synth, options);
  const g = synth.config.grafana;
  const docker = synth.config.docker;
  const provisioning = `${o.layout.grafanaConfigDir}/provisioning`;
  const dashboards = o.layout.grafanaDashboardsDir;
  const secretsDir = o.layout.grafanaSecretsDir;
  const configFiles = Object.entries(synth.files)
    .filter(([key]) => key.startsWith(OUTPUT_PATHS.grafanaDir))
    .map(([key, content]) => ({
      path: key.startsWith(OUTPUT_PATHS.dashboardsDir)
        ? `${dashboards}/${key.slice(OUTPUT_PATHS.dashboardsDir.length)}`
        : `${o.layout.grafanaConfigDir}/${key.slice(OUTPUT_PATHS.grafanaDir.length)}`,
      content,
      source: key,
    }));
  return {
    name: NAMES.grafana,
    image: g.image,
    args: [],
    env: workloadEnv({
      // Everything Grafana writes goes to its volume or to /tmp (GRAFANA_TMP), so its root can be
      // read-only: the image's defaults put plugins and logs in folders of the image.
      GF_PATHS_DATA: o.data.grafana,
      GF_PATHS_LOGS: `${o.data.grafana}/log`,
      GF_PATHS_PLUGINS: `${o.data.grafana}/plugins`,
      GF_PATHS_PROVISIONING: provisioning,
      GF_SECURITY_ADMIN_USER: g.adminUser,
      GF_SECURITY_ADMIN_PASSWORD__FILE: `${secretsDir}/${g.adminPasswordSecret}`,
      // Signs sessions and encrypts stored datasource secrets: the image's default is public knowledge.
      GF_SECURITY_SECRET_KEY__FILE: `${secretsDir}/${g.secretKeySecret}`,
      GF_SERVER_HTTP_ADDR: o.host,
      GF_SERVER_HTTP_PORT: String(o.ports.grafana),
      GF_SERVER_ROOT_URL: g.rootUrl,
      // The Ingress passes the whole path on: below the host's root Grafana must expect its prefix.
      GF_SERVER_SERVE_FROM_SUB_PATH: g.ingress && ingressPath(g.rootUrl) !== '/' ? 'true' : undefined,
      // Logs go to stdout only, where every platform collects them.
      GF_LOG_MODE: 'console',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      // Behind https the session cookie must never travel in clear; over plain http it could not be set.
      GF_SECURITY_COOKIE_SECURE: g.rootUrl?.startsWith('https://') ? 'true' : undefined,
      GF_SECURITY_COOKIE_SAMESITE: 'strict',
      // No anonymous access, no embedding in other sites' frames.
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_SECURITY_ALLOW_EMBEDDING: 'false',
    }),
    ports: [
      {
        name: 'http',
        container: o.ports.grafana,
        publish:
          o.platform === 'docker' ? { hostAddress: docker.grafanaBindAddress, hostPort: g.port } : undefined,
      },
    ],
    configFiles,
    secretFiles: secretFilesOf(
      [...synth.secrets.grafana, g.adminPasswordSecret, g.secretKeySecret],
      secretsDir,
    ),
    configDirs: outermostDirs([provisioning, dashboards, secretsDir]),
    volumes: [{ name: 'data', path: o.data.grafana, sizeHint: GRAFANA_STORAGE }],
    scratchDirs: [GRAFANA_TMP],
    healthCheck: { httpPath: '/api/health', port: o.ports.grafana, startPeriodSeconds: 60 },
    user: USERS.grafana,
    replicas: 1,
    aliases: [],
    readOnlyRootFilesystem: true,
    resources: g.resources,
    // Datasources, the dashboard provider and the secret files are read at start only.
    polledDirs: [dashboards],
  };
}

/** The path Grafana is served at below its host: rootUrl's, without a trailing slash (`/` at the root). */
export function ingressPath(rootUrl: string | undefined): string {
  const path = rootUrl ? new URL(rootUrl).pathname.replace(/\/+$/, '') : '';
  return path === '' ? '/' : path;
}

/** Namespaces whose pods Prometheus discovers on Kubernetes (it needs read access there), sorted. */
export function discoveryNamespaces(services: readonly ServiceDefinition[]): string[] {
  const names = services.flatMap((s) =>
    s.scrape.targets.kubernetes ? [s.scrape.targets.kubernetes.namespace] : [],
  );
  return [...new Set(names)].sort(compareText);
}

/** The port people and tools reach a workload on: its `http` port, else its first. */
export function httpPortOf(workload: Pick<Workload, 'ports'>): WorkloadPort {
  return workload.ports.find((p) => p.name === 'http') ?? workload.ports[0];
}

/**
 * sha256 of what a workload reads and only a restart applies: every config file (path and content) of
 * a workload without `reload`, and the names and paths of its secret files (never their values). A pod
 * annotation with it rolls the pods when any of it changes; a reloaded config file never does.
 */
export function configChecksum(workload: Pick<Workload, 'configFiles' | 'secretFiles' | 'reload'>): string {
  const hash = createHash('sha256');
  const restartOnly = workload.reload ? [] : workload.configFiles;
  const files = [...restartOnly].sort((a, b) => compareText(a.path, b.path));
  for (const file of files) hash.update(`${file.path}\0${file.content}\0`);
  for (const secret of workload.secretFiles) hash.update(`secret\0${secret.path}\0${secret.secretName}\0`);
  return hash.digest('hex');
}

/** The stack secret a secret file comes from: its own, or the password its web config is derived from. */
export function sourceSecretOf(file: SecretFile): string {
  return file.webConfigOf?.passwordSecret ?? file.secretName;
}

/** Every stack secret the workloads read, directly or through a derived file, sorted. */
export function secretsNeeded(workloads: readonly Pick<Workload, 'secretFiles'>[]): string[] {
  return [...new Set(workloads.flatMap((w) => w.secretFiles.map(sourceSecretOf)))].sort(compareText);
}
