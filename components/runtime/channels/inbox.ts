import { z } from 'zod';
import { numberVariable, portVariable, textVariable } from '../../model/env';
import { parseOrThrow } from '../../model/validate';
import type { Notification } from './types';

/*
 * The alert inbox: the channel stand-ins as a long-running server (inbox-main.ts, its own image), so
 * that a dev stack's receivers deliver somewhere a developer can look: `GET /notifications` lists what
 * arrived, and every notification is one line of the container's log.
 */

/** Ports and memory bound of the inbox when its environment does not say. */
const INBOX_DEFAULTS = { httpPort: 8080, smtpPort: 2525, keep: 1000 } as const;

const inboxEnv = z.object({
  HOST: textVariable('0.0.0.0'),
  HTTP_PORT: portVariable(INBOX_DEFAULTS.httpPort),
  SMTP_PORT: portVariable(INBOX_DEFAULTS.smtpPort),
  KEEP: numberVariable({
    min: 1,
    max: 100_000,
    whole: true,
    fallback: INBOX_DEFAULTS.keep,
    hint: 'set how many notifications to keep, from 1 to 100000',
  }),
});

export type InboxConfig = z.output<typeof inboxEnv>;

/** The inbox's settings from environment variables; throws a ValidationError naming each bad one. */
export function readInboxConfig(env: NodeJS.ProcessEnv): InboxConfig {
  const { HOST, HTTP_PORT, SMTP_PORT, KEEP } = env;
  return parseOrThrow(inboxEnv, { HOST, HTTP_PORT, SMTP_PORT, KEEP });
}

/** One log line per notification: when, where, what. */
export function notificationLine(n: Notification): string {
  const alerts = n.alerts.map((a) => a.alertname || '?').join(', ');
  return `${n.receivedAt.toISOString()} ${n.channel} ${n.receiver} ${n.status} [${alerts}]`;
}
