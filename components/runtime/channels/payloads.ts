import { z } from 'zod';
import { parseDefaultAlertList, parseDrillText, parsePromstackText, statusOfTitle } from './message-text';
import type {
  AlertStatus,
  ChannelRecord,
  Notification,
  NotifiedAlert,
  PagerdutyEvent,
  SlackMessage,
  WebhookPayload,
} from './types';

/** The PagerDuty custom detail that carries DRILL_TEXT. */
export const DRILL_DETAIL = 'promstack_drill';

// Incoming bodies are checked loosely (unknown fields kept): a stand-in must accept what the real
// service accepts, and a newer Alertmanager may add fields.
const stringMap = z.record(z.string(), z.string());
const status = z.enum(['firing', 'resolved']);

const webhookPayload = z.looseObject({
  version: z.literal('4', { error: 'must be "4", the payload version Alertmanager 0.33 sends' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().optional(),
  status,
  receiver: z.string().min(1),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: z.string(),
  alerts: z.array(
    z.looseObject({
      status,
      labels: stringMap,
      annotations: stringMap,
      startsAt: z.string(),
      endsAt: z.string(),
      generatorURL: z.string().optional(),
      fingerprint: z.string().optional(),
    }),
  ),
});

const blank = (what: string) => z.string({ error: `'${what}' is missing` }).min(1, `'${what}' is blank`);

const pagerdutyEvent = z
  .looseObject({
    routing_key: blank('routing_key'),
    event_action: z.enum(['trigger', 'resolve'], {
      error: "'event_action' is invalid (must be one of the following: 'trigger' or 'resolve')",
    }),
    dedup_key: z.string().optional(),
    payload: z
      .looseObject({
        summary: blank('payload.summary').max(1024, "'payload.summary' is longer than 1024 characters"),
        source: blank('payload.source'),
        severity: z.enum(['critical', 'error', 'warning', 'info'], {
          error:
            "'payload.severity' is invalid (must be one of the following: 'critical', 'error', 'warning' or 'info')",
        }),
        timestamp: z.string().optional(),
        class: z.string().optional(),
        component: z.string().optional(),
        group: z.string().optional(),
        custom_details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    client: z.string().optional(),
    client_url: z.string().optional(),
    images: z.array(z.unknown()).optional(),
    links: z.array(z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    // As PagerDuty: a trigger needs a payload; a resolve names the incident it ends.
    if (event.event_action === 'trigger' && !event.payload)
      ctx.addIssue({ code: 'custom', path: ['payload'], message: "'payload' is missing" });
    if (event.event_action === 'resolve' && !event.dedup_key)
      ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: "'dedup_key' is missing" });
  });

const slackMessage = z.looseObject({
  channel: z.string().optional(),
  username: z.string().optional(),
  text: z.string().optional(),
  attachments: z
    .array(z.looseObject({ title: z.string().optional(), text: z.string().optional() }))
    .optional(),
});

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function check<T>(schema: z.ZodType, body: unknown): Checked<T> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data as T };
  return {
    ok: false,
    errors: result.error.issues.map((issue) =>
      issue.message.startsWith("'") ? issue.message : `'${issue.path.join('.')}': ${issue.message}`,
    ),
  };
}

export const checkWebhookPayload = (body: unknown) => check<WebhookPayload>(webhookPayload, body);
export const checkPagerdutyEvent = (body: unknown) => check<PagerdutyEvent>(pagerdutyEvent, body);

/** Slack's own rule for incoming webhooks: a message needs text or attachments (else `no_text`). */
export function checkSlackMessage(body: unknown): Checked<SlackMessage> {
  const result = check<SlackMessage>(slackMessage, body);
  if (!result.ok) return { ok: false, errors: ['invalid_payload'] };
  if (!result.value.text && !result.value.attachments?.length) return { ok: false, errors: ['no_text'] };
  return result;
}

/** The record in the shape shared by every channel, read as far as the channel's message allows. */
export function normalise(record: ChannelRecord): Notification {
  const base = { channel: record.channel, receiver: record.receiver, receivedAt: record.receivedAt, record };
  switch (record.channel) {
    case 'webhook':
      return {
        ...base,
        status: record.body.status,
        alertSource: 'payload',
        alerts: record.body.alerts.map((alert) => ({
          alertname: alert.labels.alertname ?? '',
          labels: alert.labels,
          annotations: alert.annotations,
          status: alert.status,
        })),
      };
    case 'pagerduty': {
      const status: AlertStatus = record.body.event_action === 'trigger' ? 'firing' : 'resolved';
      const details = record.body.payload?.custom_details ?? {};
      const drill =
        typeof details[DRILL_DETAIL] === 'string' ? parseDrillText(details[DRILL_DETAIL]) : undefined;
      if (drill) return { ...base, status, alertSource: 'drill-text', alerts: drill.alerts };
      const listed = (['firing', 'resolved'] as const).flatMap((which) =>
        typeof details[which] === 'string' ? parseDefaultAlertList(details[which], which) : [],
      );
      return { ...base, status, ...fromText(listed, 'default-text') };
    }
    case 'slack': {
      const attachments = record.body.attachments ?? [];
      const text = [record.body.text ?? '', ...attachments.map((a) => a.text ?? '')].join('\n');
      const title = attachments[0]?.title ?? record.body.text ?? '';
      return { ...base, ...fromFreeText(text, title) };
    }
    case 'email':
      return { ...base, ...fromFreeText(record.text, record.subject) };
  }
}

function fromFreeText(text: string, title: string): Pick<Notification, 'status' | 'alerts' | 'alertSource'> {
  const drill = parseDrillText(text);
  if (drill) return { status: drill.status, alerts: drill.alerts, alertSource: 'drill-text' };
  const status = statusOfTitle(title) ?? statusOfTitle(text);
  if (!status) return { status: 'unknown', alerts: [], alertSource: 'none' };
  return { status, ...fromText(parsePromstackText(text, status), 'promstack-text') };
}

function fromText(
  alerts: NotifiedAlert[],
  source: 'promstack-text' | 'default-text',
): Pick<Notification, 'alerts' | 'alertSource'> {
  return alerts.length > 0 ? { alerts, alertSource: source } : { alerts: [], alertSource: 'none' };
}
