import { z } from 'zod';
import { duration } from '../../duration';
import { httpConfig, httpUrl } from '../../http';
import { credentialFile } from '../../secrets';
import { exactlyOneOf, sendResolved } from '../fields';

/**
 * A JSON POST of the alert group. A URL that carries a token (a chat or incident service) is a credential
 * and goes in url_file; a plain endpoint inside the cluster may be written as url.
 */
export const webhookConfig = z
  .strictObject({
    send_resolved: sendResolved,
    http_config: httpConfig.optional(),
    url: httpUrl.optional(),
    url_file: credentialFile.optional(),
    /** Most alerts in one message; 0 sends all. */
    max_alerts: z.number().int().min(0, { error: 'must be 0 (all alerts) or more' }).optional(),
    timeout: duration.optional(),
  })
  .check(exactlyOneOf('url', 'url_file', 'url for a plain endpoint, url_file when the URL holds a token'));

export type WebhookConfigInput = z.input<typeof webhookConfig>;
