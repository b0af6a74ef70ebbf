/** The notification channels that have a local stand-in. */
export const CHANNELS = ['email', 'slack', 'pagerduty', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a notification, as far as the channel's message tells it. */
export interface NotifiedAlert {
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: AlertStatus;
}

/** A mail as the SMTP stand-in received it. `headers` are the raw (unfolded, undecoded) header lines. */
export interface EmailRecord {
  channel: 'email';
  receiver: string;
  envelope: { from: string; to: string[] };
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

export interface SlackRecord {
  channel: 'slack';
  receiver: string;
  body: SlackMessage;
  receivedAt: Date;
}

export interface PagerdutyRecord {
  channel: 'pagerduty';
  receiver: string;
  body: PagerdutyEvent;
  receivedAt: Date;
}

export interface WebhookRecord {
  channel: 'webhook';
  receiver: string;
  body: WebhookPayload;
  receivedAt: Date;
}

export type ChannelRecord = EmailRecord | SlackRecord | PagerdutyRecord | WebhookRecord;

/**
 * Where the alerts of a notification were read from: the JSON payload (webhook), the machine-readable
 * block of the local receiver settings (DRILL_TEXT), promstack.text or Alertmanager's default alert list
 * (best effort: free text), or nowhere (`alerts` is empty).
 */
export type AlertSource = 'payload' | 'drill-text' | 'promstack-text' | 'default-text' | 'none';

/**
 * A received notification in one shape for every channel. `status` is `unknown` only when a free-text
 * message (Slack, email) carries neither the drill block nor a `[FIRING…]`/`[RESOLVED]` title.
 */
export interface Notification {
  channel: Channel;
  receiver: string;
  status: AlertStatus | 'unknown';
  alerts: NotifiedAlert[];
  alertSource: AlertSource;
  receivedAt: Date;
  /** What the stand-in received, for assertions on channel-specific fields. */
  record: ChannelRecord;
}

/** A delivery the stand-in turned away. */
export interface Rejection {
  channel: Channel;
  /** Undefined when not known yet: SMTP refuses the session before any recipient, PagerDuty's is in the body. */
  receiver?: string;
  /** `down`: the channel was set down; `invalid`: the real service would refuse the body too. */
  reason: 'down' | 'invalid';
  /** For `invalid`: what is wrong, in the service's words. */
  errors?: string[];
  at: Date;
}

/** Alertmanager's webhook payload, version 4. */
export interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts?: number;
  status: AlertStatus;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: AlertStatus;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL?: string;
    fingerprint?: string;
  }[];
}

/** Slack's incoming-webhook message, the fields Alertmanager sends. */
export interface SlackMessage {
  channel?: string;
  username?: string;
  text?: string;
  icon_emoji?: string;
  icon_url?: string;
  link_names?: boolean;
  attachments?: SlackAttachment[];
}

export interface SlackAttachment {
  title?: string;
  title_link?: string;
  pretext?: string;
  text?: string;
  fallback?: string;
  color?: string;
  footer?: string;
  fields?: { title: string; value: string; short?: boolean }[];
  [key: string]: unknown;
}

/** A PagerDuty Events API v2 event. */
export interface PagerdutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp?: string;
    class?: string;
    component?: string;
    group?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  images?: unknown[];
  links?: unknown[];
}
