import { z } from 'zod';
import { hostPort, httpConfig, httpUrl, tlsConfig } from '../http';
import { credentialFile } from '../secrets';
import { mailAddress, nonZeroDuration } from './fields';

/**
 * Defaults shared by all receivers. Credentials only as `*_file` fields (Alertmanager 0.33 reads each
 * of these from a file, checked with its amtool), never inline.
 */
export const globalConfig = z.strictObject({
  /** How long an alert without an end time stays firing after its last update. */
  resolve_timeout: nonZeroDuration.optional(),
  smtp_from: mailAddress.optional(),
  smtp_smarthost: hostPort.optional(),
  smtp_hello: z.string().optional(),
  smtp_auth_username: z.string().optional(),
  smtp_auth_password_file: credentialFile.optional(),
  smtp_auth_secret_file: credentialFile.optional(),
  smtp_auth_identity: z.string().optional(),
  smtp_require_tls: z.boolean().optional(),
  smtp_tls_config: tlsConfig.optional(),
  /** A Slack incoming-webhook URL embeds its token, so it is a credential. */
  slack_api_url_file: credentialFile.optional(),
  slack_app_token_file: credentialFile.optional(),
  pagerduty_url: httpUrl.optional(),
  opsgenie_api_url: httpUrl.optional(),
  opsgenie_api_key_file: credentialFile.optional(),
  telegram_api_url: httpUrl.optional(),
  telegram_bot_token_file: credentialFile.optional(),
  http_config: httpConfig.optional(),
});

export type GlobalConfigInput = z.input<typeof globalConfig>;
export type GlobalConfig = z.output<typeof globalConfig>;
