import { matcher } from '../model/alertmanager/matchers';
import { hasUserInfo } from '../model/inline-credentials';
import {
  annotations,
  dns1123Label,
  dns1123Subdomain,
  ingressHost,
  matchLabels,
} from '../model/kubernetes-names';
import { z } from 'zod';
import { receiver } from '../model/alertmanager/receivers/receiver';
import { timeInterval } from '../model/alertmanager/time-intervals';
import { duration, positiveDuration } from '../model/duration';
import { port } from '../model/http';
import { labelSet } from '../model/names';
import { remoteWriteConfig } from '../model/prometheus/remote-write';
import { secretNameField } from '../model/secrets';
import { ALERTMANAGER_GOSSIP } from './alertmanager-gossip';
import { imagePinProblem, IMAGES } from './images';

const image = (fallback: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = imagePinProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(fallback);

/**
 * A URL that goes into alert annotations and notifications: http(s), without credentials (everyone who
 * receives a notification reads it), no query or fragment (paths are appended to it).
 */
const linkUrl = z.url({ protocol: /^https?$/, error: 'write an http(s) URL' }).superRefine((value, ctx) => {
  const url = new URL(value);
  if (hasUserInfo(url)) {
    ctx.addIssue({
      code: 'custom',
      message: 'remove the user name and password: the URL is shown in every notification',
    });
  }
  if (url.search || url.hash) {
    ctx.addIssue({
      code: 'custom',
      message: 'remove the query and fragment: paths are appended to this URL',
    });
  }
});

const storageSize = z.string().regex(/^\d+(Mi|Gi|Ti)$/, { error: 'write a Kubernetes quantity like 20Gi' });
const secretName = secretNameField;
const replicas = z.number().int().min(1, { error: 'at least 1' }).max(5, { error: 'at most 5' });

/** Compute resources of one container on Kubernetes (requests = limits for memory, as Prometheus needs). */
const resources = z.strictObject({
  cpu: z
    .string()
    .regex(/^\d+(\.\d+)?m?$/, { error: 'write CPU like 500m or 2' })
    .describe('CPU request, in cores or millicores (`500m`, `2`).'),
  memory: storageSize.describe('Memory request and limit, a Kubernetes quantity (`2Gi`).'),
});

/** Who may connect to a component on Kubernetes: pods (by namespace and labels) or an address range. */
const networkPeer = z
  .strictObject({
    namespace: dns1123Label.optional().describe('Pods of this namespace (all of them without podLabels).'),
    podLabels: matchLabels
      .optional()
      .describe("Pods with these labels (in the stack's namespace without namespace)."),
    cidr: z.cidrv4().optional().describe('Addresses in this range, e.g. a load balancer subnet.'),
  })
  .superRefine((peer, ctx) => {
    const pods = peer.namespace !== undefined || peer.podLabels !== undefined;
    if (pods === (peer.cidr !== undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'name pods (namespace and/or podLabels) or an address range (cidr), one of the two',
      });
  });

const networkPolicies = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Deny by default and allow only the stack's own traffic (NetworkPolicies); needs a network plugin that " +
          'enforces them.',
      ),
    grafanaFrom: z
      .array(networkPeer)
      .default([])
      .describe(
        'Who may reach Grafana (an ingress controller, say). Default: nobody but `kubectl port-forward`.',
      ),
    prometheusFrom: z
      .array(networkPeer)
      .default([])
      .describe('Who else may reach Prometheus, beside Grafana and its own peers.'),
    alertmanagerFrom: z
      .array(networkPeer)
      .default([])
      .describe('Who else may reach Alertmanager, beside Prometheus, Grafana and its peers.'),
    apiServer: z
      .strictObject({
        cidr: z
          .cidrv4()
          .default('0.0.0.0/0')
          .describe("The API server's addresses, for Prometheus's discovery."),
        ports: z.array(port).min(1).default([443, 6443]).describe("The API server's ports."),
      })
      .prefault({})
      .describe('Where Prometheus reaches the Kubernetes API to discover pods.'),
  })
  .describe('NetworkPolicies of the stack (Kubernetes).');

/** How the replicas of Prometheus and Alertmanager are kept apart and replaced (Kubernetes). */
const highAvailability = z
  .strictObject({
    maxUnavailable: z
      .number()
      .int()
      .min(1, { error: 'at least 1: a budget of 0 would block every node drain' })
      .default(1)
      .describe(
        'PodDisruptionBudget of Prometheus and Alertmanager when they run more than one replica: how many of ' +
          'their replicas a node drain may stop at once; fewer than the replicas of each. One replica gets no ' +
          'budget (it could only block drains).',
      ),
    podAntiAffinity: z
      .enum(['preferred', 'required'])
      .default('preferred')
      .describe(
        'Replicas of one component on different nodes (`kubernetes.io/hostname`): `preferred`, or `required` ' +
          '(a replica then stays Pending while no other node can take it).',
      ),
    zoneSpread: z
      .enum(['ScheduleAnyway', 'DoNotSchedule'])
      .default('ScheduleAnyway')
      .describe(
        'Spread replicas over zones (`topology.kubernetes.io/zone`, at most one more in any zone): ' +
          '`ScheduleAnyway` prefers it, `DoNotSchedule` insists (nodes without the zone label then take none).',
      ),
    minReadySeconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(20)
      .describe(
        'How long a replaced Prometheus or Alertmanager pod must stay ready before a rolling change stops the ' +
          'next one: Alertmanager reports ready before its gossip settles, which the stack bounds with ' +
          `\`--cluster.settle-timeout=${ALERTMANAGER_GOSSIP.settleTimeoutSeconds}s\`; with more than one ` +
          `Alertmanager replica it must be at least ${ALERTMANAGER_GOSSIP.settleTimeoutSeconds}.`,
      ),
  })
  .describe('Disruption budgets, spreading and rolling changes of the replicated components (Kubernetes).');

/** ingress-nginx's controller pods, as its Helm chart labels them in the namespace its guide installs it in. */
export const DEFAULT_INGRESS_CONTROLLER = {
  namespace: 'ingress-nginx',
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
};

const grafanaIngress = z
  .strictObject({
    host: ingressHost.describe(
      'Host name people reach Grafana at, e.g. `grafana.example.com`; `grafana.rootUrl` must then be ' +
        '`https://<host>/…`, and is that when unset.',
    ),
    tlsSecretName: dns1123Subdomain.describe(
      'Secret (type `kubernetes.io/tls`) in the stack namespace with the certificate for `host`, made by hand ' +
        'or by cert-manager (see `annotations`). The Ingress serves TLS only.',
    ),
    className: dns1123Subdomain
      .optional()
      .describe("IngressClass of the controller; the cluster's default class when unset."),
    annotations: annotations
      .default({})
      .describe('Annotations of the Ingress, e.g. `cert-manager.io/cluster-issuer: letsencrypt`.'),
    controllerFrom: z
      .array(networkPeer)
      .min(1, { error: 'name the ingress controller: it must reach Grafana through its NetworkPolicy' })
      .default([DEFAULT_INGRESS_CONTROLLER])
      .describe(
        "The ingress controller's pods, let in by Grafana's NetworkPolicy. Default: ingress-nginx's controller " +
          '(namespace `ingress-nginx`, labels `app.kubernetes.io/name: ingress-nginx`, ' +
          '`app.kubernetes.io/component: controller`).',
      ),
  })
  .describe('An Ingress for Grafana, TLS only (Kubernetes). Unset: no Ingress.');

const teamRouting = z.strictObject({
  critical: z.array(z.string()).default([]).describe("Receivers of the team's critical alerts."),
  warning: z.array(z.string()).default([]).describe("Receivers of the team's warning alerts."),
  info: z.array(z.string()).default([]).describe("Receivers of the team's info alerts."),
  muteTimeIntervals: z
    .array(z.string())
    .optional()
    .describe(
      "Maintenance windows: names of `timeIntervals` during which the team's notifications are muted " +
        '(put on every route of the team: Alertmanager does not pass them down to child routes).',
    ),
});

const silence = z
  .strictObject({
    matchers: z
      .array(matcher)
      .min(1, { error: 'a silence needs at least one matcher' })
      .describe('Alertmanager matchers, e.g. `service="orders"`.'),
    startsAt: z.iso
      .datetime({ error: 'write an ISO 8601 time like 2026-12-01T22:00:00Z' })
      .describe('Start, ISO 8601 in UTC.'),
    endsAt: z.iso
      .datetime({ error: 'write an ISO 8601 time like 2026-12-02T02:00:00Z' })
      .describe('End, ISO 8601 in UTC.'),
    createdBy: z.string().min(1).describe('Who asked for the silence.'),
    comment: z.string().min(1, { error: 'say why the alerts are silenced' }).describe('Why.'),
  })
  .superRefine((silence, ctx) => {
    if (Date.parse(silence.endsAt) <= Date.parse(silence.startsAt))
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `ends at or before it starts (${silence.startsAt}): set endsAt after startsAt`,
      });
  });

/**
 * TLS of the Prometheus and Alertmanager web endpoints: names of stack secrets holding PEM text, the
 * user's to issue (promstack makes no certificates). Off by default.
 */
const webTls = z
  .strictObject({
    certSecret: secretName.describe(
      'Stack secret with the server certificate (PEM, the chain after it). It must name every address clients ' +
        'use: see the guide, "TLS on Prometheus and Alertmanager".',
    ),
    keySecret: secretName.describe("Stack secret with the certificate's private key (PEM)."),
    caSecret: secretName.describe(
      'Stack secret with the CA certificate (PEM) every client (Prometheus, Grafana, the silences run) verifies ' +
        'the servers with.',
    ),
  })
  .superRefine((tls, ctx) => {
    const seen = new Map<string, string>();
    for (const field of ['certSecret', 'keySecret', 'caSecret'] as const) {
      const other = seen.get(tls[field]);
      if (other)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${other} already names secret ${tls[field]}: the certificate, key and CA are three secrets`,
        });
      seen.set(tls[field], field);
    }
  })
  .describe(
    'TLS on the Prometheus and Alertmanager web endpoints (`tls_server_config` of the web config), so that the ' +
      'login does not cross the network in clear; every client then uses https and verifies the server with ' +
      '`caSecret`. Not for `promstack local` and the drill (plain HTTP on loopback).',
  );

/**
 * The `promstack:stack` object of `Pulumi.<env>.yaml`. Every field has a default except the routing,
 * which no default can know. Secrets are not here: they are named by reference and set with
 * `pulumi config set --secret --path 'secrets.<name>' <value>`. The descriptions are read by
 * scripts/guide-options.ts into docs/guide.md, so they are data (`.describe`), not comments.
 */
export const stackConfig = z.strictObject({
  platform: z
    .enum(['docker', 'kubernetes'])
    .describe('Where the stack runs: Docker on one host, or a Kubernetes cluster.'),
  prometheus: z
    .strictObject({
      image: image(IMAGES.prometheus).describe('Prometheus image, pinned to a tag (and digest).'),
      retention: positiveDuration
        .default('15d')
        .describe('How long samples are kept (`--storage.tsdb.retention.time`).'),
      retentionSize: z
        .string()
        .regex(/^\d+(MB|GB|TB)$/, { error: 'write a size like 18GB' })
        .optional()
        .describe('Cap on the TSDB size (`--storage.tsdb.retention.size`), e.g. `18GB`.'),
      scrapeInterval: positiveDuration.default('15s').describe('Default scrape interval of every job.'),
      scrapeTimeout: positiveDuration
        .default('10s')
        .describe("Default scrape timeout, capped at a job's interval."),
      evaluationInterval: positiveDuration.default('15s').describe('How often rules are evaluated.'),
      replicas: replicas
        .default(1)
        .describe(
          'Replicas on Kubernetes (1 to 5, each with its own `replica` external label); always 1 on Docker.',
        ),
      externalLabels: labelSet
        .default({})
        .describe('Labels added to every series and alert leaving Prometheus.'),
      remoteWrite: z
        .array(remoteWriteConfig)
        .default([])
        .describe('Prometheus `remote_write` entries (upstream field names).'),
      storageSize: storageSize.default('20Gi').describe('Volume size on Kubernetes.'),
      resources: resources.default({ cpu: '500m', memory: '2Gi' }).describe('Requests on Kubernetes.'),
    })
    .prefault({})
    .describe('The Prometheus server.'),
  alertmanager: z
    .strictObject({
      image: image(IMAGES.alertmanager).describe('Alertmanager image, pinned to a tag (and digest).'),
      replicas: replicas
        .default(1)
        .describe('3 for a highly available cluster (peers are wired automatically).'),
      retention: positiveDuration
        .default('120h')
        .describe('How long silences and notification logs are kept.'),
      storageSize: storageSize.default('2Gi').describe('Volume size on Kubernetes.'),
      resources: resources.default({ cpu: '100m', memory: '256Mi' }).describe('Requests on Kubernetes.'),
      groupBy: z
        .array(z.string())
        .default(['alertname', 'service'])
        .describe('Labels that group alerts into one notification.'),
      groupWait: duration.default('30s').describe('Wait before the first notification of a new group.'),
      groupInterval: positiveDuration
        .default('5m')
        .describe('Wait before notifying about alerts added to a group.'),
      repeatInterval: positiveDuration
        .default('4h')
        .describe('Wait before repeating a notification that is still firing.'),
      watchdogInterval: positiveDuration
        .default('1m')
        .describe(
          'How often the Watchdog reaches `watchdogReceiver` while the stack works: the period to give the ' +
            'heartbeat service (with a grace period of a few of them).',
        ),
    })
    .prefault({})
    .describe('The Alertmanager (or cluster).'),
  grafana: z
    .strictObject({
      image: image(IMAGES.grafana).describe('Grafana image, pinned to a tag (and digest).'),
      port: port
        .default(3000)
        .describe(
          'Host port on Docker (bound to `docker.grafanaBindAddress`); the Service port on Kubernetes.',
        ),
      adminUser: z.string().min(1).default('admin').describe('Grafana admin user name.'),
      adminPasswordSecret: secretName
        .default('grafana-admin-password')
        .describe('Name of the stack secret that holds the admin password.'),
      secretKeySecret: secretName
        .default('grafana-secret-key')
        .describe(
          "Name of the stack secret that holds Grafana's `secret_key`, which signs sessions and encrypts the " +
            'secrets Grafana stores (datasource passwords): rotating it breaks what was encrypted with it.',
        ),
      rootUrl: linkUrl
        .optional()
        .describe(
          "Grafana's external URL (http(s), no credentials, query or fragment). When set, every service alert " +
            'carries `dashboard_url: <rootUrl>/d/<service dashboard uid>`, shown in notifications.',
        ),
      resources: resources.default({ cpu: '100m', memory: '256Mi' }).describe('Requests on Kubernetes.'),
      ingress: grafanaIngress.optional(),
    })
    .superRefine((grafana, ctx) => {
      if (grafana.secretKeySecret === grafana.adminPasswordSecret)
        ctx.addIssue({
          code: 'custom',
          path: ['secretKeySecret'],
          message: `the admin password secret ${grafana.adminPasswordSecret} too: give the secret key a secret of its own`,
        });
      const host = grafana.ingress?.host;
      if (host === undefined || grafana.rootUrl === undefined) return;
      const url = new URL(grafana.rootUrl);
      if (url.protocol !== 'https:' || url.hostname !== host || url.port !== '')
        ctx.addIssue({
          code: 'custom',
          path: ['rootUrl'],
          message: `Grafana is reached at https://${host}/ through its Ingress (TLS only): write https://${host}/ (or a path below it), or leave rootUrl unset`,
        });
    })
    // Behind the Ingress the URL is known; everything that names Grafana (links, cookies) reads rootUrl.
    .transform((grafana) =>
      grafana.ingress && grafana.rootUrl === undefined
        ? { ...grafana, rootUrl: `https://${grafana.ingress.host}/` }
        : grafana,
    )
    .prefault({})
    .describe('Grafana.'),
  receivers: z
    .array(receiver)
    .min(1, { error: 'define at least one receiver' })
    .describe(
      'Alertmanager receivers, with upstream field names (`email_configs`, `slack_configs`, `pagerduty_configs`, ' +
        '`opsgenie_configs`, `msteams_configs`, `telegram_configs`, `webhook_configs`); credentials only in `*_file` ' +
        'fields, as a path or `{ secret: <name> }`.',
    ),
  teams: z
    .record(z.string().regex(/^[a-z][a-z0-9-]*$/), teamRouting)
    .describe("Routing of each owner team's alerts by severity; every service's team must be here."),
  platformTeam: z.string().default('platform').describe("Team that owns the monitoring stack's own alerts."),
  runbookBaseUrl: linkUrl
    .optional()
    .describe(
      'Base URL of the runbooks (http(s), no credentials, query or fragment). When set, every generated alert ' +
        "carries `runbook_url: <runbookBaseUrl>/<AlertName>`; an alert override's `annotations.runbook_url` wins.",
    ),
  defaultReceiver: z.string().describe('Receiver of alerts no team route catches.'),
  watchdogReceiver: z
    .string()
    .optional()
    .describe(
      "The Watchdog's receiver (a dead man's switch service); the Watchdog goes nowhere else. Without it the " +
        'Watchdog goes to a receiver that notifies no one.',
    ),
  timeIntervals: z
    .array(timeInterval)
    .default([])
    .describe(
      'Named Alertmanager `time_intervals` (upstream field names), for `teams.<team>.muteTimeIntervals`.',
    ),
  silences: z
    .array(silence)
    .default([])
    .describe(
      'Silences (matchers checked, end after start), created in Alertmanager each once, ended ones skipped: ' +
        'by `promstack local` and the drill when they start, and on a Docker or Kubernetes deploy by a one-shot ' +
        'run beside Alertmanager (a container, a Job) whenever they change.',
    ),
  webAuth: z
    .strictObject({
      username: z
        .string()
        .regex(/^[A-Za-z0-9._-]+$/, { error: 'use letters, digits, ".", "_" and "-" (no ":")' })
        .default('promstack')
        .describe('User name every client of Prometheus and Alertmanager logs in with (HTTP basic auth).'),
      passwordSecret: secretName
        .default('web-password')
        .describe(
          'Name of the stack secret that holds the password. Prometheus and Alertmanager get a web config ' +
            'with its bcrypt hash (`--web.config.file`); Prometheus, Grafana and the probes read the password file.',
        ),
      tls: webTls.optional(),
    })
    .prefault({})
    .describe(
      'Login of the Prometheus and Alertmanager web endpoints (UI, API, `/-/reload`), always on: without it ' +
        'anyone who reaches them could read every series, stop Prometheus or silence alerts.',
    ),
  docker: z
    .strictObject({
      bindAddress: z
        .ipv4()
        .default('127.0.0.1')
        .describe(
          'Address Prometheus and Alertmanager (and the dev containers) are published on. Both ask for the ' +
            '`webAuth` login; without `webAuth.tls` it travels over plain HTTP, so beyond a loopback address reach ' +
            'them through a TLS proxy or an SSH tunnel, or the password crosses the network in clear. The dev containers have no login: ' +
            'beyond loopback they are refused.',
        ),
      grafanaBindAddress: z
        .ipv4()
        .default('127.0.0.1')
        .describe("Grafana's address; `0.0.0.0` to reach it from other machines."),
      prometheusPort: port.default(9090).describe('Host port of Prometheus.'),
      alertmanagerPort: port.default(9093).describe('Host port of Alertmanager.'),
      exampleBackend: z
        .boolean()
        .default(false)
        .describe('Run the example backend as a container (for dev).'),
      alertInbox: z
        .boolean()
        .default(false)
        .describe(
          'Run the alert inbox as a container (for dev): receivers may then deliver to ' +
            '`http://alert-inbox:8080/webhook/<receiver>`, `…/slack/<receiver>`, `…/pagerduty/v2/enqueue` (the ' +
            'routing key names the receiver) and e-mail to `alert-inbox:2525` (plain SMTP: `require_tls: false`, no ' +
            'AUTH, `to: <receiver>@promstack.local`). `GET /notifications` on `alertInboxPort` lists what arrived. ' +
            'Synth refuses receivers that name the inbox when it does not run, and mail it would turn away.',
        ),
      alertInboxPort: port.default(9095).describe('Host port of the alert inbox.'),
      retainVolumes: z.boolean().default(true).describe('Keep data volumes when the stack is destroyed.'),
    })
    .superRefine((docker, ctx) => {
      const devContainers = [
        docker.exampleBackend && 'the example backend',
        docker.alertInbox && 'the alert inbox',
      ];
      const open = devContainers.filter((name): name is string => typeof name === 'string');
      if (open.length > 0 && !docker.bindAddress.startsWith('127.'))
        ctx.addIssue({
          code: 'custom',
          path: ['bindAddress'],
          message:
            `${open.join(' and ')} ${open.length > 1 ? 'have' : 'has'} no login: published on ${docker.bindAddress} ` +
            'anyone who reaches that address could read notifications or inject faults; keep a loopback address ' +
            '(127.0.0.1) or turn the dev containers off',
        });
    })
    .prefault({})
    .describe('Settings used when `platform` is `docker`.'),
  kubernetes: z
    .strictObject({
      namespace: dns1123Label
        .default('monitoring')
        .describe('Namespace of the stack (created, with the restricted Pod Security Standard).'),
      storageClass: z
        .string()
        .optional()
        .describe("Storage class of the volumes; the cluster's default when unset."),
      networkPolicies: networkPolicies.prefault({}),
      createDiscoveryNamespaces: z
        .boolean()
        .default(false)
        .describe(
          'Create the namespaces of the catalogue (`scrape.targets.kubernetes.namespace`) where Prometheus gets ' +
            'its discovery Role, kept when the stack is destroyed. When false they must exist: the stack reads ' +
            'each one, so a missing namespace fails `pulumi preview` before anything is created.',
        ),
      highAvailability: highAvailability.prefault({}),
    })
    .prefault({})
    .describe('Settings used when `platform` is `kubernetes`.'),
});

export type StackConfigInput = z.input<typeof stackConfig>;
export type StackConfig = z.output<typeof stackConfig>;
