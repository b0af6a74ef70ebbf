import { z } from 'zod';
import { receiver } from '../model/alertmanager/receivers/receiver';
import { timeInterval } from '../model/alertmanager/time-intervals';
import { duration, positiveDuration } from '../model/duration';
import { port } from '../model/http';
import { labelSet } from '../model/names';
import { remoteWriteConfig } from '../model/prometheus/remote-write';
import { SECRET_NAME } from '../model/secrets';
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
  if (url.username || url.password) {
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
const secretName = z
  .string()
  .regex(SECRET_NAME, { error: 'use lower-case letters, digits, "-", "_" and "."' });
const replicas = z.number().int().min(1, { error: 'at least 1' }).max(5, { error: 'at most 5' });

/** Compute resources of one container on Kubernetes (requests = limits for memory, as Prometheus needs). */
const resources = z.strictObject({
  cpu: z.string().regex(/^\d+(\.\d+)?m?$/, { error: 'write CPU like 500m or 2' }),
  memory: storageSize,
});

/** Which receivers notify a team, by alert severity. */
const teamRouting = z.strictObject({
  critical: z.array(z.string()).default([]),
  warning: z.array(z.string()).default([]),
  info: z.array(z.string()).default([]),
  /** Maintenance windows (time interval names) during which the team's notifications are muted. */
  muteTimeIntervals: z.array(z.string()).optional(),
});

const silence = z.strictObject({
  /** Alertmanager matchers, e.g. `service="orders"`. */
  matchers: z.array(z.string()).min(1, { error: 'a silence needs at least one matcher' }),
  startsAt: z.iso.datetime({ error: 'write an ISO 8601 time like 2026-12-01T22:00:00Z' }),
  endsAt: z.iso.datetime({ error: 'write an ISO 8601 time like 2026-12-02T02:00:00Z' }),
  createdBy: z.string().min(1),
  comment: z.string().min(1, { error: 'say why the alerts are silenced' }),
});

/**
 * The `promstack:stack` object of `Pulumi.<env>.yaml`. Every field has a default except the routing,
 * which no default can know. Secrets are not here: they are named by reference and set with
 * `pulumi config set --secret --path 'secrets.<name>' <value>`.
 */
export const stackConfig = z.strictObject({
  /** Where the stack runs: Docker on one host, or a Kubernetes cluster. */
  platform: z.enum(['docker', 'kubernetes']),
  prometheus: z
    .strictObject({
      image: image(IMAGES.prometheus),
      /** How long samples are kept (`--storage.tsdb.retention.time`). */
      retention: positiveDuration.default('15d'),
      /** Cap on the TSDB size (`--storage.tsdb.retention.size`), e.g. 18GB; none by default. */
      retentionSize: z
        .string()
        .regex(/^\d+(MB|GB|TB)$/, { error: 'write a size like 18GB' })
        .optional(),
      scrapeInterval: positiveDuration.default('15s'),
      scrapeTimeout: positiveDuration.default('10s'),
      evaluationInterval: positiveDuration.default('15s'),
      /** Replicas on Kubernetes (each with its own `replica` external label); always 1 on Docker. */
      replicas: replicas.default(1),
      externalLabels: labelSet.default({}),
      remoteWrite: z.array(remoteWriteConfig).default([]),
      storageSize: storageSize.default('20Gi'),
      resources: resources.default({ cpu: '500m', memory: '2Gi' }),
    })
    .prefault({}),
  alertmanager: z
    .strictObject({
      image: image(IMAGES.alertmanager),
      /** 3 for a highly available cluster (peers are wired automatically). */
      replicas: replicas.default(1),
      retention: positiveDuration.default('120h'),
      storageSize: storageSize.default('2Gi'),
      resources: resources.default({ cpu: '100m', memory: '256Mi' }),
      groupBy: z.array(z.string()).default(['alertname', 'service']),
      groupWait: duration.default('30s'),
      groupInterval: positiveDuration.default('5m'),
      repeatInterval: positiveDuration.default('4h'),
    })
    .prefault({}),
  grafana: z
    .strictObject({
      image: image(IMAGES.grafana),
      /** Host port on Docker (bound to bindAddress); the Service port on Kubernetes. */
      port: port.default(3000),
      adminUser: z.string().min(1).default('admin'),
      /** Name of the stack secret that holds the admin password. */
      adminPasswordSecret: secretName.default('grafana-admin-password'),
      /**
       * Grafana's external URL. Default: none. When set, every service alert carries `dashboard_url`
       * (`<rootUrl>/d/<service dashboard uid>`).
       */
      rootUrl: linkUrl.optional(),
      resources: resources.default({ cpu: '100m', memory: '256Mi' }),
    })
    .prefault({}),
  receivers: z.array(receiver).min(1, { error: 'define at least one receiver' }),
  /** Routing of each owner team's alerts by severity; every service's team must be here. */
  teams: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), teamRouting),
  /** Team that owns the monitoring stack's own alerts. */
  platformTeam: z.string().default('platform'),
  /**
   * Base URL of the runbooks. Default: none (no `runbook_url`). When set, every generated alert carries
   * `runbook_url: <runbookBaseUrl>/<AlertName>`; an alert override's `annotations.runbook_url` replaces it.
   */
  runbookBaseUrl: linkUrl.optional(),
  /** Receiver of alerts no team route catches. */
  defaultReceiver: z.string(),
  /** The Watchdog's receiver (a dead man's switch service); alerts go nowhere else. Default: none. */
  watchdogReceiver: z.string().optional(),
  /** Named time intervals for maintenance windows (Alertmanager `time_intervals`). */
  timeIntervals: z.array(timeInterval).default([]),
  /** Silences created through the Alertmanager API when the stack deploys. */
  silences: z.array(silence).default([]),
  docker: z
    .strictObject({
      /** Address Prometheus and Alertmanager are published on; never 0.0.0.0 by default. */
      bindAddress: z.ipv4().default('127.0.0.1'),
      /** Grafana's address; set 0.0.0.0 to reach it from other machines. */
      grafanaBindAddress: z.ipv4().default('127.0.0.1'),
      prometheusPort: port.default(9090),
      alertmanagerPort: port.default(9093),
      /** Run the example backend as a container (for dev). */
      exampleBackend: z.boolean().default(false),
      /**
       * Run the alert inbox as a container (for dev): receivers may then deliver to
       * `http://alert-inbox:8080/webhook/<receiver>`, `…/slack/<receiver>`, `…/pagerduty/v2/enqueue`
       * (the routing key names the receiver) and e-mail to `alert-inbox:2525` (plain SMTP:
       * `require_tls: false`, no AUTH, `to: <receiver>@promstack.local`; with `text: '{{ template
       * "promstack.text" . }}'` the inbox lists the alerts of a mail). `GET /notifications` on
       * `alertInboxPort` lists what arrived. Synth refuses receivers that name the inbox when it does
       * not run, and mail it would turn away.
       */
      alertInbox: z.boolean().default(false),
      alertInboxPort: port.default(9095),
      /** Keep data volumes when the stack is destroyed. */
      retainVolumes: z.boolean().default(true),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      namespace: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .default('monitoring'),
      storageClass: z.string().optional(),
    })
    .prefault({}),
});

export type StackConfigInput = z.input<typeof stackConfig>;
export type StackConfig = z.output<typeof stackConfig>;
