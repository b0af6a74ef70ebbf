import type { Receiver } from './receiver';

/** The integration lists a receiver may have, in the order of the receiver schema. */
export const INTEGRATION_KINDS = [
  'email_configs',
  'msteams_configs',
  'msteamsv2_configs',
  'opsgenie_configs',
  'pagerduty_configs',
  'slack_configs',
  'telegram_configs',
  'webhook_configs',
] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/**
 * Alertmanager's default for `send_resolved`, per integration (its notifier defaults): webhooks,
 * PagerDuty, Opsgenie and the chat integrations other than Slack tell about resolution unless told not
 * to; e-mail and Slack do not.
 */
export const SEND_RESOLVED_DEFAULT: Readonly<Record<IntegrationKind, boolean>> = {
  email_configs: false,
  msteams_configs: true,
  msteamsv2_configs: true,
  opsgenie_configs: true,
  pagerduty_configs: true,
  slack_configs: false,
  telegram_configs: true,
  webhook_configs: true,
};

export interface Integration {
  kind: IntegrationKind;
  config: { send_resolved?: boolean };
}

/** Every integration of a receiver, kind by kind. */
export function integrationsOf(receiver: Receiver): Integration[] {
  return INTEGRATION_KINDS.flatMap((kind) =>
    (receiver[kind] ?? []).map((config: { send_resolved?: boolean }) => ({ kind, config })),
  );
}

/** Whether a receiver notifies when its alerts resolve: any integration that does, by setting or default. */
export function sendsResolved(receiver: Receiver): boolean {
  return integrationsOf(receiver).some(
    ({ kind, config }) => config.send_resolved ?? SEND_RESOLVED_DEFAULT[kind],
  );
}
