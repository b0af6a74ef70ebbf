import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  EmailConfigInput,
  PagerdutyConfigInput,
  ReceiverInput,
  SlackConfigInput,
  WebhookConfigInput,
} from '../../model/alertmanager';
import { ValidationError, type ValidationIssue } from '../../model/errors';
import { DRILL_TEXT } from './message-text';
import { DRILL_DETAIL } from './payloads';
import type { ChannelSinks } from './sinks';
import { CHANNELS, type Channel } from './types';

/** What a receiver needs to know about the stand-ins: their addresses, not a running server. */
export type SinkAddresses = Pick<
  ChannelSinks,
  'smarthost' | 'pagerdutyUrl' | 'slackUrl' | 'webhookUrl' | 'emailAddress'
>;

export interface PointingOptions {
  /**
   * Absolute folder for the values of `*_file` fields (Slack URLs, PagerDuty routing keys, webhook
   * `url_file` URLs), one file per integration; created when missing.
   */
  secretsDir: string;
  /**
   * What a Slack or e-mail integration without a text of its own shows: `promstack` (default), the
   * promstack.text synth gives the stack's receivers, so that a drill sees what the stack sends (runbook
   * and dashboard links included); `alertmanager`: Alertmanager's built-in texts.
   */
  defaultTexts?: 'promstack' | 'alertmanager';
}

/** Sender of the drill's mail when the receiver names none (the stack's global smtp_from is not used). */
export const LOCAL_MAIL_FROM = 'alertmanager@promstack.local';

/** Integrations without a stand-in: a drill over them could not see what they send. */
const UNSUPPORTED = ['msteams_configs', 'msteamsv2_configs', 'opsgenie_configs', 'telegram_configs'] as const;

/**
 * Copies of the stack's receivers whose integrations deliver to the stand-ins, for a drill's own
 * Alertmanager only. Names, routing-relevant settings and the stack's own texts are kept; endpoints,
 * credentials, HTTP client and TLS settings are replaced. Slack and e-mail text and a PagerDuty
 * detail (`promstack_drill`) get DRILL_TEXT appended so the stand-ins can read the alerts back.
 * PagerDuty v1 (service_key_file) becomes v2: the stand-in speaks Events API v2 only.
 * Throws a ValidationError naming every integration that has no stand-in.
 */
export function receiversPointingAt(
  sinks: SinkAddresses,
  receivers: readonly ReceiverInput[],
  options: PointingOptions,
): ReceiverInput[] {
  const issues: ValidationIssue[] = [];
  if (!options.secretsDir.startsWith('/'))
    issues.push({ path: 'secretsDir', message: `must be an absolute folder, got ${options.secretsDir}` });
  for (const receiver of receivers) {
    for (const field of UNSUPPORTED) {
      if (receiver[field]?.length) {
        issues.push({
          path: `receivers[${receiver.name}].${field}`,
          message: `no local stand-in for ${field.replace(/_configs$/, '')}: leave this receiver out of the drill or give it a channel that has one (${CHANNELS.join(', ')})`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  mkdirSync(options.secretsDir, { recursive: true });
  const secret = (channel: Channel, receiver: string, index: number, value: string): string => {
    const path = join(options.secretsDir, `${channel}-${encodeURIComponent(receiver)}-${index}`);
    writeFileSync(path, value, { mode: 0o600 });
    return path;
  };

  const promstackTexts = (options.defaultTexts ?? 'promstack') === 'promstack';
  return receivers.map((receiver) => {
    const name = receiver.name;
    const out: ReceiverInput = { name };
    if (receiver.email_configs)
      out.email_configs = receiver.email_configs.map((config) =>
        pointEmail(config, sinks.emailAddress(name), sinks, promstackTexts),
      );
    if (receiver.pagerduty_configs)
      out.pagerduty_configs = receiver.pagerduty_configs.map((config, i) =>
        pointPagerduty(config, secret('pagerduty', name, i, name), sinks.pagerdutyUrl),
      );
    if (receiver.slack_configs)
      out.slack_configs = receiver.slack_configs.map((config, i) =>
        pointSlack(config, secret('slack', name, i, sinks.slackUrl(name)), promstackTexts),
      );
    if (receiver.webhook_configs)
      out.webhook_configs = receiver.webhook_configs.map((config, i) =>
        config.url_file === undefined
          ? pointWebhook(config, { url: sinks.webhookUrl(name) })
          : pointWebhook(config, { url_file: secret('webhook', name, i, sinks.webhookUrl(name)) }),
      );
    return out;
  });
}

function appendDrillText(text: string | undefined): string {
  return text === undefined || text === '' ? DRILL_TEXT : `${text}\n${DRILL_TEXT}`;
}

function pointEmail(
  config: EmailConfigInput,
  to: string,
  sinks: SinkAddresses,
  promstackText: boolean,
): EmailConfigInput {
  const {
    to: _to,
    smarthost: _smarthost,
    auth_username: _username,
    auth_password_file: _password,
    auth_identity: _identity,
    require_tls: _requireTls,
    tls_config: _tls,
    ...rest
  } = config;
  return {
    ...rest,
    to,
    from: rest.from ?? LOCAL_MAIL_FROM,
    smarthost: sinks.smarthost,
    text: appendDrillText(rest.text ?? (promstackText ? PROMSTACK_TEXT : undefined)),
    require_tls: false,
  };
}

function pointPagerduty(
  config: PagerdutyConfigInput,
  routingKeyFile: string,
  url: string,
): PagerdutyConfigInput {
  const {
    http_config: _http,
    routing_key_file: _routing,
    service_key_file: _service,
    url: _url,
    ...rest
  } = config;
  return {
    ...rest,
    routing_key_file: routingKeyFile,
    url,
    details: { ...rest.details, [DRILL_DETAIL]: DRILL_TEXT },
  };
}

function pointSlack(config: SlackConfigInput, apiUrlFile: string, promstackText: boolean): SlackConfigInput {
  const { http_config: _http, api_url_file: _url, ...rest } = config;
  return {
    ...rest,
    api_url_file: apiUrlFile,
    // The text the receiver would send without the drill, which the drill's block must not replace.
    text: appendDrillText(
      rest.text ?? (promstackText ? PROMSTACK_TEXT : '{{ template "slack.default.text" . }}'),
    ),
  };
}

function pointWebhook(
  config: WebhookConfigInput,
  target: { url: string } | { url_file: string },
): WebhookConfigInput {
  const { http_config: _http, url: _url, url_file: _urlFile, ...rest } = config;
  return { ...rest, ...target };
}

/** promstack's notification templates (alertmanager/templates/promstack.tmpl, rendered by synthStack). */
export const PROMSTACK_TITLE = '{{ template "promstack.title" . }}';
export const PROMSTACK_TEXT = '{{ template "promstack.text" . }}';

export interface LocalReceiverOptions extends PointingOptions {
  /** Default: all four. */
  channels?: readonly Channel[];
  /**
   * `promstack` (default): titles and texts from promstack.tmpl, which the Alertmanager config must
   * then load (`templates:`); `default`: Alertmanager's built-in ones. DRILL_TEXT is added either way.
   */
  templates?: 'promstack' | 'default';
  /** Default true, so a drill sees the resolved notification on every channel. */
  sendResolved?: boolean;
}

/**
 * A receiver named `name` with one integration per channel, each delivering to the stand-ins. With
 * promstack templates: Slack title and e-mail Subject are promstack.title, Slack and e-mail text are
 * promstack.text followed by DRILL_TEXT, the PagerDuty summary is promstack.title and its severity
 * the alerts' common `severity` label (`error` when they differ, PagerDuty's own default).
 */
export function localReceiverSettings(
  sinks: SinkAddresses,
  name: string,
  options: LocalReceiverOptions,
): ReceiverInput {
  const channels = new Set(options.channels ?? CHANNELS);
  const promstack = (options.templates ?? 'promstack') === 'promstack';
  const send_resolved = options.sendResolved ?? true;
  const receiver: ReceiverInput = { name };
  if (channels.has('email')) {
    receiver.email_configs = [
      {
        send_resolved,
        to: sinks.emailAddress(name),
        ...(promstack ? { headers: { Subject: PROMSTACK_TITLE }, text: PROMSTACK_TEXT } : {}),
      },
    ];
  }
  if (channels.has('pagerduty')) {
    receiver.pagerduty_configs = [
      {
        send_resolved,
        ...(promstack ? { description: PROMSTACK_TITLE } : {}),
        severity: '{{ or .CommonLabels.severity "error" }}',
      },
    ];
  }
  if (channels.has('slack')) {
    receiver.slack_configs = [
      {
        send_resolved,
        channel: `#${name}`,
        ...(promstack ? { title: PROMSTACK_TITLE, text: PROMSTACK_TEXT } : {}),
      },
    ];
  }
  if (channels.has('webhook')) receiver.webhook_configs = [{ send_resolved, url: sinks.webhookUrl(name) }];
  return receiversPointingAt(sinks, [receiver], {
    ...options,
    defaultTexts: promstack ? 'promstack' : 'alertmanager',
  })[0];
}
