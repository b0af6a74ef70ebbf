import { z } from 'zod';
import { httpConfig, httpUrl } from '../../http';
import { credentialFile } from '../../secrets';
import { EVEN_WITH_FIELD_ERRORS, requiredText, sendResolved } from '../fields';

const slackField = z.strictObject({
  title: requiredText('the field heading'),
  value: requiredText('the field text'),
  short: z.boolean().optional(),
});

const slackConfirm = z.strictObject({
  text: requiredText('the question to confirm'),
  title: z.string().optional(),
  ok_text: z.string().optional(),
  dismiss_text: z.string().optional(),
});

const slackAction = z
  .strictObject({
    type: requiredText('the action type, e.g. button'),
    text: requiredText('the button label'),
    url: httpUrl.optional(),
    style: z.string().optional(),
    name: z.string().optional(),
    value: z.string().optional(),
    confirm: slackConfirm.optional(),
  })
  .refine((action) => action.url !== undefined || action.name !== undefined, {
    path: ['url'],
    error: 'a Slack action needs url (a link button) or name (an interactive button)',
    ...EVEN_WITH_FIELD_ERRORS,
  });

/**
 * A Slack message. The webhook URL carries its token, so it is only accepted as api_url_file (here or
 * slack_api_url_file in `global`). `channel` is required: it documents where a receiver's alerts land
 * and is needed by chat.postMessage; an incoming webhook fixed to a channel posts there regardless.
 */
export const slackConfig = z.strictObject({
  send_resolved: sendResolved,
  http_config: httpConfig.optional(),
  api_url_file: credentialFile.optional(),
  channel: requiredText('the channel such as #alerts (or a user id)'),
  username: z.string().optional(),
  color: z.string().optional(),
  title: z.string().optional(),
  title_link: z.string().optional(),
  pretext: z.string().optional(),
  text: z.string().optional(),
  fields: z.array(slackField).optional(),
  short_fields: z.boolean().optional(),
  footer: z.string().optional(),
  fallback: z.string().optional(),
  callback_id: z.string().optional(),
  icon_emoji: z.string().optional(),
  icon_url: httpUrl.optional(),
  image_url: httpUrl.optional(),
  thumb_url: httpUrl.optional(),
  link_names: z.boolean().optional(),
  mrkdwn_in: z.array(z.enum(['fallback', 'pretext', 'text', 'fields'])).optional(),
  actions: z.array(slackAction).optional(),
});

export type SlackConfigInput = z.input<typeof slackConfig>;
