import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import {
  emailAddress,
  PAGERDUTY_PATH,
  receiverOfEmail,
  slackPath,
  webhookPath,
} from '../../model/channel-addresses';
import { checkPagerdutyEvent, checkSlackMessage, checkWebhookPayload, normalise } from './payloads';
import type { Channel, ChannelRecord, EmailRecord, Notification, Rejection } from './types';

/** Bigger than any event PagerDuty accepts (512 kB), so only garbage hits the limit. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ChannelSinkOptions {
  /** Address both servers listen on; 127.0.0.1 keeps them off the network. */
  host: string;
  /** Default 0: a free port. */
  httpPort?: number;
  /** Default 0: a free port. */
  smtpPort?: number;
  /** Keep only the newest this many notifications and rejections (a long-running inbox). Default all. */
  keep?: number;
  /** Called with every notification accepted, as it arrives. */
  onNotification?: (notification: Notification) => void;
}

/**
 * Local stand-ins for Slack, PagerDuty, e-mail and webhook receivers in one process: an HTTP server
 * shaped like each service's API and an SMTP server. They record every notification they accept, and
 * list them on `GET /notifications` (JSON); `GET /healthz` answers 200.
 */
export interface ChannelSinks {
  readonly host: string;
  readonly httpPort: number;
  readonly smtpPort: number;
  /** `host:port` of the SMTP stand-in, for email_configs[].smarthost (plain SMTP, no TLS, no AUTH). */
  readonly smarthost: string;
  /** Events API v2 URL, for pagerduty_configs[].url; the routing key names the receiver. */
  readonly pagerdutyUrl: string;
  /** Incoming-webhook URL of a receiver, for the content of slack_configs[].api_url_file. */
  slackUrl(receiver: string): string;
  /** For webhook_configs[].url (the receiver is read from the payload; the path only helps humans). */
  webhookUrl(receiver: string): string;
  /** `<receiver>@promstack.local`, for email_configs[].to. */
  emailAddress(receiver: string): string;
  /** Every notification accepted since start or the last clear(), oldest first. */
  notifications(): Notification[];
  /** Deliveries turned away: while a channel was down, or with a body the real service would refuse. */
  rejections(): Rejection[];
  clear(): void;
  /**
   * The first notification (already received or arriving later) for which `predicate` holds. Rejects
   * after `timeoutMs` with a list of what did arrive.
   */
  waitForNotification(predicate: (n: Notification) => boolean, timeoutMs: number): Promise<Notification>;
  /**
   * Takes a channel down (HTTP channels answer 500, SMTP refuses the session with 421) or back up, so a
   * test can watch Alertmanager retry and deliver after recovery.
   */
  setDown(channel: Channel, down: boolean): void;
  close(): Promise<void>;
}

export async function startChannelSinks(options: ChannelSinkOptions): Promise<ChannelSinks> {
  const sinks = new Sinks(options.host, options.keep ?? Number.POSITIVE_INFINITY, options.onNotification);
  await sinks.listen(options.httpPort ?? 0, options.smtpPort ?? 0);
  return sinks;
}

class Sinks implements ChannelSinks {
  httpPort = 0;
  smtpPort = 0;
  private received: Notification[] = [];
  private turnedAway: Rejection[] = [];
  private readonly down = new Set<Channel>();
  private readonly waiters = new Set<(n: Notification) => void>();
  private readonly http: Server;
  private readonly smtp: SMTPServer;

  constructor(
    readonly host: string,
    private readonly keep: number,
    private readonly onNotification?: (notification: Notification) => void,
  ) {
    this.http = createServer((request, response) => {
      this.handleHttp(request, response).catch((error: unknown) => {
        if (!response.headersSent) respond(response, 500, 'text/plain', String(error));
      });
    });
    this.smtp = new SMTPServer({
      secure: false,
      // What Alertmanager needs with require_tls false: no STARTTLS offered, no AUTH asked for.
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 500,
      banner: 'promstack e-mail stand-in',
      onConnect: (_session, callback) => {
        if (!this.down.has('email')) return callback();
        this.reject({ channel: 'email', reason: 'down' });
        callback(smtpError(421, 'Service not available, try again later'));
      },
      onRcptTo: (address, _session, callback) => {
        if (receiverOfEmail(address.address) !== undefined) return callback();
        callback(smtpError(550, `no such receiver ${address.address}: write <receiver>@promstack.local`));
      },
      onData: (stream, session, callback) => {
        this.handleMail(stream, session).then(
          () => callback(),
          (error: unknown) => callback(smtpError(451, `cannot read the message: ${String(error)}`)),
        );
      },
    });
  }

  get smarthost(): string {
    return `${this.host}:${this.smtpPort}`;
  }

  get pagerdutyUrl(): string {
    return `${this.base()}${PAGERDUTY_PATH}`;
  }

  slackUrl(receiver: string): string {
    return `${this.base()}${slackPath(receiver)}`;
  }

  webhookUrl(receiver: string): string {
    return `${this.base()}${webhookPath(receiver)}`;
  }

  emailAddress(receiver: string): string {
    return emailAddress(receiver);
  }

  notifications(): Notification[] {
    return [...this.received];
  }

  rejections(): Rejection[] {
    return [...this.turnedAway];
  }

  clear(): void {
    this.received = [];
    this.turnedAway = [];
  }

  setDown(channel: Channel, down: boolean): void {
    if (down) this.down.add(channel);
    else this.down.delete(channel);
  }

  waitForNotification(predicate: (n: Notification) => boolean, timeoutMs: number): Promise<Notification> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (n: Notification) => {
        if (!predicate(n)) return;
        cleanup();
        resolve(n);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching notification within ${timeoutMs} ms; received: ${this.describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  async listen(httpPort: number, smtpPort: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(httpPort, this.host, () => resolve());
    });
    this.httpPort = (this.http.address() as AddressInfo).port;
    await new Promise<void>((resolve, reject) => {
      this.smtp.server.once('error', reject);
      this.smtp.listen(smtpPort, this.host, () => resolve());
    });
    this.smtpPort = (this.smtp.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    // Alertmanager keeps HTTP connections alive; without cutting them close() would wait for its timeout.
    this.http.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.http.close(() => resolve())),
      new Promise<void>((resolve) => this.smtp.close(() => resolve())),
    ]);
  }

  private base(): string {
    return `http://${this.host}:${this.httpPort}`;
  }

  private describe(): string {
    if (this.received.length === 0) return 'nothing';
    return this.received
      .map((n) => `${n.channel}/${n.receiver} ${n.status} [${n.alerts.map((a) => a.alertname).join(', ')}]`)
      .join('; ');
  }

  private record(record: ChannelRecord): void {
    const notification = normalise(record);
    this.received.push(notification);
    if (this.received.length > this.keep) this.received.shift();
    this.onNotification?.(notification);
    for (const waiter of [...this.waiters]) waiter(notification);
  }

  private reject(rejection: Omit<Rejection, 'at'>): void {
    this.turnedAway.push({ ...rejection, at: new Date() });
    if (this.turnedAway.length > this.keep) this.turnedAway.shift();
  }

  private async handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://sink').pathname;
    if (request.method === 'GET' && path === '/healthz') return respond(response, 200, 'text/plain', 'ok\n');
    if (request.method === 'GET' && path === '/notifications')
      return respondJson(response, 200, { notifications: this.received, rejections: this.turnedAway });
    const route = routeOf(path);
    if (!route) return respond(response, 404, 'text/plain', `no stand-in at ${path}`);
    if (request.method !== 'POST') return respond(response, 405, 'text/plain', 'POST only');
    const raw = await readBody(request);
    if (raw === undefined) return respond(response, 413, 'text/plain', 'body too large');
    if (this.down.has(route.channel)) {
      this.reject({ channel: route.channel, receiver: route.receiver, reason: 'down' });
      return respond(response, 500, 'text/plain', `${route.channel} stand-in is down`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const receivedAt = new Date();
    switch (route.channel) {
      case 'slack': {
        const checked = checkSlackMessage(body);
        if (!checked.ok) {
          this.reject({
            channel: 'slack',
            receiver: route.receiver,
            reason: 'invalid',
            errors: checked.errors,
          });
          return respond(response, 400, 'text/plain', checked.errors[0]);
        }
        this.record({ channel: 'slack', receiver: route.receiver ?? '', body: checked.value, receivedAt });
        return respond(response, 200, 'text/plain', 'ok');
      }
      case 'pagerduty': {
        const checked = checkPagerdutyEvent(body);
        if (!checked.ok) {
          this.reject({ channel: 'pagerduty', reason: 'invalid', errors: checked.errors });
          return respondJson(response, 400, {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors: checked.errors,
          });
        }
        // PagerDuty makes up a dedup key for a trigger that has none.
        const event = { ...checked.value, dedup_key: checked.value.dedup_key || randomKey() };
        this.record({ channel: 'pagerduty', receiver: event.routing_key, body: event, receivedAt });
        return respondJson(response, 202, {
          status: 'success',
          message: 'Event processed',
          dedup_key: event.dedup_key,
        });
      }
      case 'webhook': {
        const checked = checkWebhookPayload(body);
        if (!checked.ok) {
          this.reject({
            channel: 'webhook',
            receiver: route.receiver,
            reason: 'invalid',
            errors: checked.errors,
          });
          return respond(response, 400, 'text/plain', checked.errors.join('\n'));
        }
        this.record({
          channel: 'webhook',
          receiver: checked.value.receiver,
          body: checked.value,
          receivedAt,
        });
        return respond(response, 200, 'text/plain', '');
      }
    }
  }

  private async handleMail(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const mail = await simpleParser(stream);
    const to = session.envelope.rcptTo.map((address) => address.address);
    const headers: Record<string, string> = {};
    for (const { key, line } of mail.headerLines) {
      const value = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
    for (const address of to) {
      const record: EmailRecord = {
        channel: 'email',
        receiver: receiverOfEmail(address) ?? address,
        envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to },
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        html: mail.html || '',
        headers,
        receivedAt: new Date(),
      };
      this.record(record);
    }
  }
}

function routeOf(path: string): { channel: Exclude<Channel, 'email'>; receiver?: string } | undefined {
  if (path === PAGERDUTY_PATH) return { channel: 'pagerduty' };
  const match = /^\/(slack|webhook)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  try {
    return { channel: match[1] as 'slack' | 'webhook', receiver: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  response.end(body);
}

function respondJson(response: ServerResponse, status: number, body: unknown): void {
  respond(response, status, 'application/json', JSON.stringify(body));
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function randomKey(): string {
  return randomUUID().replace(/-/g, '');
}
