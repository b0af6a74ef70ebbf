import { z } from 'zod';
import { objectName } from '../../names';
import { emailConfig } from './email';
import { msteamsConfig, msteamsV2Config } from './msteams';
import { opsgenieConfig } from './opsgenie';
import { pagerdutyConfig } from './pagerduty';
import { slackConfig } from './slack';
import { telegramConfig } from './telegram';
import { webhookConfig } from './webhook';

/**
 * A named set of integrations that routes send to. A receiver without any integration drops what it
 * gets, the usual target for Watchdog-style alerts. Integrations in the order of Alertmanager's docs.
 */
export const receiver = z.strictObject({
  name: objectName,
  email_configs: z.array(emailConfig).optional(),
  msteams_configs: z.array(msteamsConfig).optional(),
  msteamsv2_configs: z.array(msteamsV2Config).optional(),
  opsgenie_configs: z.array(opsgenieConfig).optional(),
  pagerduty_configs: z.array(pagerdutyConfig).optional(),
  slack_configs: z.array(slackConfig).optional(),
  telegram_configs: z.array(telegramConfig).optional(),
  webhook_configs: z.array(webhookConfig).optional(),
});

export type ReceiverInput = z.input<typeof receiver>;
export type Receiver = z.output<typeof receiver>;
