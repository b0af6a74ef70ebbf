import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES } from '../stack/images';
import { balancedServiceName, NAMES } from '../stack/layout';
import { silencesFileText } from '../stack/silences';
import type { SynthResult } from '../stack/synth';
import { httpPortOf, type ConfigFile, type SecretFile, type Workload } from './workload';

/** The applier's script, run by node wherever Alertmanager runs (and imported by the local runtime). */
export const APPLIER_SCRIPT = 'apply-silences.js';

/** Where the applier's container finds its two files and the web password. */
export const APPLIER_DIRS = { files: '/etc/promstack/silences', secrets: '/etc/promstack/silences-secrets' };

/**
 * How long one run waits for Alertmanager to answer /-/ready before it fails: Alertmanager reads its
 * state and config first. Kubernetes then retries the run (APPLIER_RETRIES), all of it within the 10
 * minutes Pulumi waits for a Job (5 runs of 60 s and the pauses between, 150 s); Docker fails the deploy.
 */
export const APPLIER_WAIT_SECONDS = 60;

/** Failed runs Kubernetes retries (the Job's backoffLimit), each after a longer pause (10 s, 20 s, ...). */
export const APPLIER_RETRIES = 4;

/** The node image's own non-root user, by number so that Kubernetes runAsNonRoot can verify it. */
const NODE_USER = { uid: 1000, gid: 1000 } as const;

/**
 * The one-shot process that creates the stack config's silences in a deployed Alertmanager: the pinned
 * node image running apply-silences.js beside Alertmanager (a Kubernetes Job, a Docker container on the
 * stack's network), since the machine running `pulumi up` cannot reach a cluster-internal Alertmanager.
 */
export interface SilencesApplier {
  /** Kubernetes Job and Docker container name; the Job's carries the digest. */
  name: string;
  /** sha256 (first 12 hex digits) of what a run does: its files and environment. A change re-runs it. */
  digest: string;
  /** Pinned: the base image of the images this repository builds. */
  image: string;
  command: string[];
  env: Record<string, string>;
  /** The script and silences.json, rendered from the typed config; no credential. */
  configFiles: ConfigFile[];
  /** The web password of Alertmanager (the stack's webAuth secret), and with webAuth.tls its CA. */
  secretFiles: SecretFile[];
  user: { uid: number; gid: number };
  resources: { cpu: string; memory: string };
}

/** The text of apply-silences.js, read once: the bytes every platform runs. */
let script: string | undefined;
export function applierScript(): string {
  script ??= readFileSync(join(__dirname, APPLIER_SCRIPT), 'utf8');
  return script;
}

/**
 * The applier of a Docker or Kubernetes stack, or none when the stack config has no silences. It
 * reaches Alertmanager by its name on the Docker network or its ClusterIP Service on Kubernetes, which
 * reaches ready members only (cluster members share silences by gossip, so any ready member will do),
 * and logs in as the stack's webAuth user.
 */
export function silencesApplier(synth: SynthResult, alertmanager: Workload): SilencesApplier | undefined {
  const { config } = synth;
  if (config.silences.length === 0) return undefined;
  const { container: port, tls } = httpPortOf(alertmanager);
  const host =
    config.platform === 'kubernetes'
      ? `${balancedServiceName(alertmanager.name)}.${config.kubernetes.namespace}.svc`
      : // Every replica answers to the workload's name on the network (docker.ts aliases).
        alertmanager.name;
  const auth = config.webAuth;
  const configFiles: ConfigFile[] = [
    { path: `${APPLIER_DIRS.files}/${APPLIER_SCRIPT}`, content: applierScript(), source: APPLIER_SCRIPT },
    {
      path: `${APPLIER_DIRS.files}/silences.json`,
      content: silencesFileText(config.silences),
      source: 'stack.silences',
    },
  ];
  const secretFiles: SecretFile[] = [
    { path: `${APPLIER_DIRS.secrets}/${auth.passwordSecret}`, secretName: auth.passwordSecret },
  ];
  const ca = auth.tls && {
    path: `${APPLIER_DIRS.secrets}/${auth.tls.caSecret}`,
    secretName: auth.tls.caSecret,
  };
  if (ca) secretFiles.push(ca);
  const env = {
    ALERTMANAGER_PASSWORD_FILE: secretFiles[0].path,
    ALERTMANAGER_URL: `${tls ? 'https' : 'http'}://${host}:${port}`,
    ALERTMANAGER_USERNAME: auth.username,
    ALERTMANAGER_WAIT_SECONDS: String(APPLIER_WAIT_SECONDS),
    // Node adds this CA to the ones fetch trusts: the script verifies Alertmanager with the stack's CA.
    ...(ca && { NODE_EXTRA_CA_CERTS: ca.path }),
  };
  const hash = createHash('sha256');
  for (const file of configFiles) hash.update(`${file.path}\0${file.content}\0`);
  for (const [key, value] of Object.entries(env)) hash.update(`${key}=${value}\0`);
  return {
    name: NAMES.silencesApplier,
    digest: hash.digest('hex').slice(0, 12),
    image: IMAGES.node,
    command: ['node', configFiles[0].path, configFiles[1].path],
    env,
    configFiles,
    secretFiles,
    user: NODE_USER,
    resources: { cpu: '50m', memory: '64Mi' },
  };
}
