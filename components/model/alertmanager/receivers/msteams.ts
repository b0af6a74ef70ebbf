import { z } from 'zod';
import { httpConfig } from '../../http';
import { credentialFile } from '../../secrets';
import { sendResolved } from '../fields';

/**
 * A message card through an Office 365 connector webhook. The webhook URL lets anyone post to the
 * channel, so it is only taken as webhook_url_file.
 */
export const msteamsConfig = z.strictObject({
  send_resolved: sendResolved,
  http_config: httpConfig.optional(),
  webhook_url_file: credentialFile,
  title: z.string().optional(),
  summary: z.string().optional(),
  text: z.string().optional(),
});

/** An adaptive card through a Power Automate (Workflows) webhook, the successor of connectors. */
export const msteamsV2Config = z.strictObject({
  send_resolved: sendResolved,
  http_config: httpConfig.optional(),
  webhook_url_file: credentialFile,
  title: z.string().optional(),
  text: z.string().optional(),
});

export type MsteamsConfigInput = z.input<typeof msteamsConfig>;
export type MsteamsV2ConfigInput = z.input<typeof msteamsV2Config>;
