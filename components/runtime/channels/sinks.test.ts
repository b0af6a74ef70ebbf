import { connect } from 'node:net';
import { startChannelSinks, type ChannelSinks } from './sinks';

let sinks: ChannelSinks;

beforeAll(async () => {
  sinks = await startChannelSinks({ host: '127.0.0.1' });
});
afterAll(() => sinks.close());
beforeEach(() => {
  sinks.clear();
  for (const channel of ['email', 'slack', 'pagerduty', 'webhook'] as const) sinks.setDown(channel, false);
});

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Speaks SMTP line by line and returns every reply, the way a minimal mail client would. */
function smtpSession(port: number, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let buffer = '';
    let next = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A reply ends with a line whose code is followed by a space.
      while (/^\d{3} .*\r\n/m.test(buffer)) {
        const end = buffer.search(/^\d{3} .*\r\n/m);
        const lineEnd = buffer.indexOf('\r\n', end) + 2;
        replies.push(buffer.slice(0, lineEnd).trimEnd());
        buffer = buffer.slice(lineEnd);
        if (next < commands.length) socket.write(`${commands[next++]}\r\n`);
        else socket.end();
      }
    });
    socket.on('close', () => resolve(replies));
    socket.on('error', reject);
  });
}

const webhookPayload = {
  version: '4',
  groupKey: '{}:{alertname="A"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'team-a',
  groupLabels: { alertname: 'A' },
  commonLabels: { alertname: 'A', severity: 'warning' },
  commonAnnotations: {},
  externalURL: 'http://am:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'A', severity: 'warning' },
      annotations: { summary: 's' },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph',
      fingerprint: 'abc',
    },
  ],
};

const pagerdutyEvent = {
  routing_key: 'team-a',
  event_action: 'trigger',
  dedup_key: 'k1',
  payload: { summary: '[FIRING:1] A', source: 'am', severity: 'warning', custom_details: {} },
};

describe('the Slack stand-in', () => {
  it('answers 200 "ok" like an incoming webhook and records the receiver from the path', async () => {
    const body = { channel: '#a', attachments: [{ title: '[FIRING:1] A', text: 'x' }] };
    expect(await post(sinks.slackUrl('team a/b'), body)).toEqual({ status: 200, text: 'ok' });
    const [n] = sinks.notifications();
    expect(n).toMatchObject({
      channel: 'slack',
      receiver: 'team a/b',
      status: 'firing',
      alertSource: 'none',
    });
    expect(n.record).toMatchObject({ channel: 'slack', body });
  });

  it.each([
    ['not JSON', '{', 'invalid_payload'],
    ['no text', { channel: '#a' }, 'no_text'],
  ])('refuses %s with 400 %s, as Slack does', async (_, body, answer) => {
    expect(await post(sinks.slackUrl('a'), body)).toEqual({ status: 400, text: answer });
    expect(sinks.notifications()).toEqual([]);
    expect(sinks.rejections()).toMatchObject([{ channel: 'slack', receiver: 'a', reason: 'invalid' }]);
  });
});

describe('the PagerDuty stand-in', () => {
  it('accepts an Events API v2 event with 202 and names the receiver by routing key', async () => {
    const answer = await post(sinks.pagerdutyUrl, pagerdutyEvent);
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.text)).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'k1',
    });
    expect(sinks.notifications()).toMatchObject([
      { channel: 'pagerduty', receiver: 'team-a', status: 'firing' },
    ]);
  });

  it('makes up a dedup key for a trigger without one, as PagerDuty does', async () => {
    const { dedup_key: _, ...event } = pagerdutyEvent;
    const answer = await post(sinks.pagerdutyUrl, event);
    expect(JSON.parse(answer.text).dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    [{ ...pagerdutyEvent, routing_key: '' }, "'routing_key' is blank"],
    [{ ...pagerdutyEvent, event_action: 'acknowledge' }, "'event_action' is invalid"],
    [
      { ...pagerdutyEvent, payload: { ...pagerdutyEvent.payload, severity: 'page' } },
      "'payload.severity' is invalid",
    ],
    [{ ...pagerdutyEvent, payload: { severity: 'info', source: 'am' } }, "'payload.summary' is missing"],
    [{ ...pagerdutyEvent, payload: undefined }, "'payload' is missing"],
    [{ ...pagerdutyEvent, event_action: 'resolve', dedup_key: undefined }, "'dedup_key' is missing"],
  ])('refuses a bad event with 400: %#', async (event, error) => {
    const answer = await post(sinks.pagerdutyUrl, event);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(body.errors.join('\n')).toContain(error);
    expect(sinks.notifications()).toEqual([]);
  });
});

describe('the webhook stand-in', () => {
  it("records Alertmanager's payload with the receiver it names", async () => {
    expect(await post(sinks.webhookUrl('anything'), webhookPayload)).toEqual({ status: 200, text: '' });
    expect(sinks.notifications()).toMatchObject([
      {
        channel: 'webhook',
        receiver: 'team-a',
        status: 'firing',
        alertSource: 'payload',
        alerts: [
          {
            alertname: 'A',
            labels: { alertname: 'A', severity: 'warning' },
            annotations: { summary: 's' },
            status: 'firing',
          },
        ],
      },
    ]);
  });

  it('refuses a payload of another version with 400', async () => {
    const answer = await post(sinks.webhookUrl('a'), { ...webhookPayload, version: '3' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("'version'");
  });
});

describe('routes', () => {
  it.each([
    ['POST', '/slack/', 404],
    ['POST', '/nowhere', 404],
    ['GET', '/webhook/a', 405],
  ])('%s %s → %d', async (method, path, status) => {
    const response = await fetch(`http://127.0.0.1:${sinks.httpPort}${path}`, { method });
    expect(response.status).toBe(status);
  });
});

describe('setDown', () => {
  it.each([
    ['slack', () => sinks.slackUrl('a'), { text: 'x' }],
    ['pagerduty', () => sinks.pagerdutyUrl, pagerdutyEvent],
    ['webhook', () => sinks.webhookUrl('a'), webhookPayload],
  ] as const)('%s answers 500 while down and accepts again after', async (channel, url, body) => {
    sinks.setDown(channel, true);
    expect((await post(url(), body)).status).toBe(500);
    expect(sinks.rejections()).toMatchObject([{ channel, reason: 'down' }]);
    expect(sinks.notifications()).toEqual([]);
    sinks.setDown(channel, false);
    expect((await post(url(), body)).status).toBeLessThan(300);
    expect(sinks.notifications()).toHaveLength(1);
  });

  it('makes the SMTP stand-in refuse the session with 421', async () => {
    sinks.setDown('email', true);
    const replies = await smtpSession(sinks.smtpPort, []);
    expect(replies[0]).toMatch(/^421 /);
    expect(sinks.rejections()).toMatchObject([{ channel: 'email', reason: 'down' }]);
  });
});

describe('the SMTP stand-in', () => {
  const mail = [
    'From: Alertmanager <alertmanager@promstack.local>',
    'To: team=20a@promstack.local',
    'Subject: [RESOLVED] A',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'all good',
    '.',
  ].join('\r\n');

  it('takes plain SMTP without TLS or AUTH and records the receiver of the recipient address', async () => {
    const replies = await smtpSession(sinks.smtpPort, [
      'EHLO localhost',
      'MAIL FROM:<alertmanager@promstack.local>',
      'RCPT TO:<team=20a@promstack.local>',
      'DATA',
      mail,
      'QUIT',
    ]);
    expect(replies.map((r) => r.slice(0, 3))).toEqual(['220', '250', '250', '250', '354', '250', '221']);
    expect(replies[1]).not.toMatch(/STARTTLS|AUTH/);
    const n = await sinks.waitForNotification((x) => x.channel === 'email', 2000);
    expect(n).toMatchObject({ receiver: 'team a', status: 'resolved', alertSource: 'none' });
    expect(n.record).toMatchObject({
      subject: '[RESOLVED] A',
      text: 'all good\n',
      headers: { subject: '[RESOLVED] A', to: 'team=20a@promstack.local' },
      envelope: { from: 'alertmanager@promstack.local', to: ['team=20a@promstack.local'] },
    });
  });

  it('refuses recipients outside promstack.local', async () => {
    const replies = await smtpSession(sinks.smtpPort, [
      'EHLO localhost',
      'MAIL FROM:<a@promstack.local>',
      'RCPT TO:<oncall@example.org>',
      'QUIT',
    ]);
    expect(replies[3]).toMatch(/^550 .*<receiver>@promstack.local/);
  });
});

describe('waitForNotification', () => {
  it('resolves with a notification that arrives later', async () => {
    const waiting = sinks.waitForNotification((n) => n.receiver === 'late', 2000);
    await post(sinks.webhookUrl('late'), { ...webhookPayload, receiver: 'late' });
    await expect(waiting).resolves.toMatchObject({ receiver: 'late' });
  });

  it('times out listing what did arrive', async () => {
    await post(sinks.webhookUrl('a'), webhookPayload);
    await expect(sinks.waitForNotification((n) => n.receiver === 'never', 50)).rejects.toThrow(
      'no matching notification within 50 ms; received: webhook/team-a firing [A]',
    );
  });
});
