import { z } from 'zod';
import { httpConfig, httpUrl } from '../../http';
import { credentialFile } from '../../secrets';
import { sendResolved } from '../fields';

/** Telegram ids are 64-bit; within JS's safe integers is enough for every real chat and thread. */
const telegramId = (what: string) =>
  z
    .number({
      error: (issue) => (issue.input === undefined ? `missing: set it to ${what}` : `must be ${what}`),
    })
    .int({ error: `must be ${what}` })
    .refine((id) => Number.isSafeInteger(id) && id !== 0, { error: `must be ${what}` });

/** A Telegram bot message. The bot token is a credential: bot_token_file only. */
export const telegramConfig = z.strictObject({
  send_resolved: sendResolved,
  http_config: httpConfig.optional(),
  api_url: httpUrl.optional(),
  bot_token_file: credentialFile,
  chat_id: telegramId('the numeric chat id (group ids are negative, e.g. -1001234567890)'),
  message_thread_id: telegramId('the numeric id of a forum topic').optional(),
  message: z.string().optional(),
  disable_notifications: z.boolean().optional(),
  parse_mode: z.enum(['', 'Markdown', 'MarkdownV2', 'HTML']).optional(),
});

export type TelegramConfigInput = z.input<typeof telegramConfig>;
