import {
  emailAddress,
  EMAIL_DOMAIN,
  receiverOfEmail,
  slackPath,
  webhookPath,
} from '../model/channel-addresses';
import type { IssueCollector } from '../model/errors';
import type { StackConfig } from './config';

/*
 * What the stack knows of the alert inbox (the channel stand-ins run as a container of a Docker stack):
 * its name, ports and image, which receivers deliver to it, that they may only where it runs, and the
 * secret values that make an integration deliver to it. Its workload is in
 * components/platforms/dev-extras.ts.
 */

/**
 * The alert inbox (components/runtime/channels/inbox.ts): stand-ins for webhook, Slack, PagerDuty and
 * e-mail receivers on the stack's network, for a dev stack whose notifications should arrive somewhere
 * visible. Receivers reach it at `http://alert-inbox:8080/...` and `alert-inbox:2525`.
 */
export const ALERT_INBOX = {
  name: 'alert-inbox',
  alias: 'alert-inbox',
  port: 8080,
  smtpPort: 2525,
  image: 'promstack/alert-inbox:local',
  build: { context: '.', dockerfile: 'components/runtime/channels/Dockerfile' },
} as const;

const inboxUrl = `http://${ALERT_INBOX.alias}:${ALERT_INBOX.port}`;
const INBOX_TARGET = new RegExp(`^(?:[a-z]+://)?${ALERT_INBOX.alias}(?::\\d+)?(?:/|$)`);

/** Whether a URL or `host:port` names the alert inbox. */
function isAlertInbox(target: string): boolean {
  return INBOX_TARGET.test(target);
}

type Receiver = StackConfig['receivers'][number];

/** The integrations of one kind a receiver lists (`webhook_configs`, ...), as plain records. */
function integrationsOf(receiver: Receiver, configs: string): Record<string, unknown>[] {
  return ((receiver as Record<string, unknown>)[configs] as Record<string, unknown>[] | undefined) ?? [];
}

interface SecretRef {
  secret?: string;
}

/** Integration credentials a receiver reads from a secret, and what the alert inbox accepts there. */
const INBOX_VALUES: {
  configs: 'slack_configs' | 'webhook_configs' | 'pagerduty_configs';
  field: string;
  value: (receiver: string) => string;
  /** Only when the integration's own `url` points at the inbox. */
  needsUrl?: boolean;
}[] = [
  {
    configs: 'slack_configs',
    field: 'api_url_file',
    value: (r) => `${inboxUrl}${slackPath(r)}`,
  },
  {
    configs: 'webhook_configs',
    field: 'url_file',
    value: (r) => `${inboxUrl}${webhookPath(r)}`,
  },
  // The inbox's PagerDuty stand-in names the receiver by its routing key; only an integration whose
  // `url` is the inbox's gets one, or the key would go to PagerDuty itself.
  { configs: 'pagerduty_configs', field: 'routing_key_file', value: (r) => r, needsUrl: true },
];

/**
 * Values that make a stack's integration secrets deliver to the alert inbox: a Slack webhook URL, a
 * webhook URL or a PagerDuty routing key per secret, for the receiver that reads it. Only when the
 * stack runs the inbox (`docker.alertInbox`); `npm run up` sets them for dev secrets not set yet, so
 * a fresh dev stack notifies somewhere visible instead of failing. A secret two receivers read keeps
 * the first one's value.
 */
export function alertInboxSecretValues(config: StackConfig): Record<string, string> {
  if (config.platform !== 'docker' || !config.docker.alertInbox) return {};
  const values: Record<string, string> = {};
  for (const receiver of config.receivers) {
    for (const { configs, field, value, needsUrl } of INBOX_VALUES) {
      for (const integration of integrationsOf(receiver, configs)) {
        if (needsUrl && !(typeof integration.url === 'string' && isAlertInbox(integration.url))) continue;
        const name = (integration[field] as SecretRef | string | undefined) ?? undefined;
        if (typeof name === 'object' && name.secret && !(name.secret in values))
          values[name.secret] = value(receiver.name);
      }
    }
  }
  return values;
}

/** Receiver fields that name where an integration delivers, as a URL or an SMTP `host:port`. */
const DELIVERY_FIELDS: Record<string, string> = {
  webhook_configs: 'url',
  pagerduty_configs: 'url',
  email_configs: 'smarthost',
};

/**
 * A receiver that delivers to the alert inbox (host `alert-inbox`) on a stack that does not run it
 * would fail every notification, and so would mail the inbox's SMTP stand-in refuses: caught here,
 * before deploy.
 */
export function checkAlertInboxUse(config: StackConfig, issues: IssueCollector): void {
  const runsInbox = config.platform === 'docker' && config.docker.alertInbox;
  const fix =
    config.platform === 'docker'
      ? 'set docker.alertInbox: true, or point it at a real endpoint'
      : 'the alert inbox runs on Docker only: point it at a real endpoint';
  for (const receiver of config.receivers) {
    for (const [configs, field] of Object.entries(DELIVERY_FIELDS)) {
      integrationsOf(receiver, configs).forEach((integration, i) => {
        const target = integration[field];
        if (typeof target !== 'string' || !isAlertInbox(target)) return;
        const path = `stack.receivers[${receiver.name}].${configs}[${i}]`;
        if (!runsInbox)
          issues.add(
            `${path}.${field}`,
            `${receiver.name} delivers to the alert inbox (${target}), which this stack does not run: ${fix}`,
          );
        else if (configs === 'email_configs') checkInboxMail(receiver.name, integration, path, issues);
      });
    }
  }
}

const SMTP_AUTH_FIELDS = [
  'auth_username',
  'auth_password',
  'auth_password_file',
  'auth_secret',
  'auth_secret_file',
  'auth_identity',
];

/** The inbox's SMTP stand-in speaks plain SMTP, asks for no AUTH and takes mail for `<receiver>@promstack.local`. */
function checkInboxMail(
  receiver: string,
  mail: Record<string, unknown>,
  path: string,
  issues: IssueCollector,
): void {
  const to = typeof mail.to === 'string' ? mail.to : '';
  if (!to.includes('{{')) {
    const refused = to
      .split(',')
      .map((address) => address.trim().replace(/^.*<(.*)>$/, '$1'))
      .filter((address) => receiverOfEmail(address) === undefined);
    if (refused.length > 0)
      issues.add(
        `${path}.to`,
        `the alert inbox takes mail for <receiver>@${EMAIL_DOMAIN} only, not ${refused.join(', ')}: write ${emailAddress(receiver)}`,
      );
  }
  if (mail.require_tls !== false)
    issues.add(
      `${path}.require_tls`,
      'the alert inbox speaks plain SMTP, without STARTTLS: set require_tls: false',
    );
  for (const field of SMTP_AUTH_FIELDS)
    if (mail[field] !== undefined)
      issues.add(`${path}.${field}`, 'the alert inbox asks for no SMTP authentication: remove it');
}
