import { ALERT_INBOX } from '../platforms/workload';
import type { StackConfig } from './config';

const inboxUrl = `http://${ALERT_INBOX.alias}:${ALERT_INBOX.port}`;

/** Whether a URL or `host:port` names the alert inbox. */
export function isAlertInbox(target: string): boolean {
  return /^(?:[a-z]+:\/\/)?alert-inbox(?::\d+)?(?:\/|$)/.test(target);
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
    value: (r) => `${inboxUrl}/slack/${encodeURIComponent(r)}`,
  },
  {
    configs: 'webhook_configs',
    field: 'url_file',
    value: (r) => `${inboxUrl}/webhook/${encodeURIComponent(r)}`,
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
      const list = (receiver as Record<string, unknown>)[configs] as Record<string, unknown>[] | undefined;
      for (const integration of list ?? []) {
        if (needsUrl && !(typeof integration.url === 'string' && isAlertInbox(integration.url))) continue;
        const name = (integration[field] as SecretRef | string | undefined) ?? undefined;
        if (typeof name === 'object' && name.secret && !(name.secret in values))
          values[name.secret] = value(receiver.name);
      }
    }
  }
  return values;
}
