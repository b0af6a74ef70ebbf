import { DRILL_DETAIL, type ChannelRecord } from '../channels';
import { normalise } from '../channels/payloads';
import { linkProblems, ruleLinks, visibleText } from './links';

const RUNBOOK = 'https://runbooks.example.com/promstack/HighErrorRate';
const DASHBOARD = 'http://127.0.0.1:3000/d/svc-orders';
const LINKS = { runbook_url: RUNBOOK, dashboard_url: DASHBOARD };
const identity = { alertname: 'HighErrorRate', service: 'orders' };
const labels = { ...identity, team: 'shop', severity: 'critical' };
const at = new Date('2026-12-01T00:00:00Z');
const q = (text: string) => JSON.stringify(text);

/** What the drill's receivers append (DRILL_TEXT, rendered): the alert with its annotations. */
function drillBlock(annotations: Record<string, string>): string {
  return [
    '-- promstack drill --',
    `status ${q('firing')}`,
    `receiver ${q('shop-slack')}`,
    `alert ${q('firing')}`,
    ...Object.entries(labels).map(([k, v]) => `label ${q(k)} ${q(v)}`),
    ...Object.entries(annotations).map(([k, v]) => `annotation ${q(k)} ${q(v)}`),
    '-- end promstack drill --',
  ].join('\n');
}

/** promstack.text as Alertmanager renders it for one alert, with the link lines it is given. */
const promstackText = (lines: string[]) =>
  ['Orders fail', 'More than 5% of requests failed.', ...lines, '  alertname=HighErrorRate', ''].join('\n');

const slack = (visible: string, annotations: Record<string, string> = LINKS): ChannelRecord => ({
  channel: 'slack',
  receiver: 'shop-slack',
  body: {
    attachments: [
      { title: '[FIRING:1] HighErrorRate on orders', text: `${visible}\n${drillBlock(annotations)}` },
    ],
  },
  receivedAt: at,
});

const webhook = (annotations: Record<string, string>): ChannelRecord => ({
  channel: 'webhook',
  receiver: 'shop-pager',
  body: {
    version: '4',
    groupKey: 'k',
    status: 'firing',
    receiver: 'shop-pager',
    groupLabels: identity,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      { status: 'firing', labels, annotations, startsAt: at.toISOString(), endsAt: '0001-01-01T00:00:00Z' },
    ],
  },
  receivedAt: at,
});

const pagerduty = (details: Record<string, unknown>): ChannelRecord => ({
  channel: 'pagerduty',
  receiver: 'shop-pager',
  body: {
    routing_key: 'shop-pager',
    event_action: 'trigger',
    dedup_key: 'k',
    payload: {
      summary: '[FIRING:1] HighErrorRate on orders',
      source: 'alertmanager',
      severity: 'critical',
      custom_details: { ...details, [DRILL_DETAIL]: drillBlock(LINKS) },
    },
  },
  receivedAt: at,
});

const problemsOf = (record: ChannelRecord, expected: Record<string, string> = LINKS) =>
  linkProblems(normalise(record), identity, expected);

describe('the links every notification of an alert must carry', () => {
  it('are the runbook_url and dashboard_url of its rule, nothing else', () => {
    expect(ruleLinks({ summary: 's', runbook_url: RUNBOOK, dashboard_url: DASHBOARD })).toEqual(LINKS);
    expect(ruleLinks({ summary: 's' })).toEqual({});
    expect(ruleLinks(undefined)).toEqual({});
  });

  it('pass when Slack shows both as promstack.text writes them', () => {
    expect(problemsOf(slack(promstackText([`Runbook: ${RUNBOOK}`, `Dashboard: ${DASHBOARD}`])))).toEqual([]);
  });

  it('fail when only the drill’s own block has a link: the reader would not see it', () => {
    expect(problemsOf(slack(promstackText([`Runbook: ${RUNBOOK}`])))).toEqual([
      `slack notification to shop-slack does not show its dashboard link ${DASHBOARD}`,
    ]);
    expect(visibleText(slack('plain'))).not.toContain(RUNBOOK);
  });

  it('fail when the alert lacks a link or carries another one, naming channel, receiver and URLs', () => {
    expect(problemsOf(webhook({ runbook_url: RUNBOOK }))).toEqual([
      'webhook notification to shop-pager has no dashboard link (dashboard_url)',
    ]);
    expect(problemsOf(webhook({ ...LINKS, runbook_url: 'https://wiki.example.com/Other' }))).toEqual([
      `webhook notification to shop-pager links its runbook to https://wiki.example.com/Other, the rule to ${RUNBOOK}`,
    ]);
    expect(problemsOf(webhook(LINKS))).toEqual([]);
  });

  it('read PagerDuty’s runbooks and dashboards details, not the drill’s detail', () => {
    expect(problemsOf(pagerduty({ runbooks: `${RUNBOOK}\n`, dashboards: `${DASHBOARD}\n` }))).toEqual([]);
    expect(problemsOf(pagerduty({ runbooks: `${RUNBOOK}\n` }))).toEqual([
      `pagerduty notification to shop-pager does not show its dashboard link ${DASHBOARD}`,
    ]);
  });

  it('read the plain-text part of a mail', () => {
    const mail = (visible: string): ChannelRecord => ({
      channel: 'email',
      receiver: 'shop-mail',
      envelope: { from: 'am@promstack.local', to: ['shop-mail@promstack.local'] },
      subject: '[FIRING:1] HighErrorRate on orders',
      text: `${visible}\n${drillBlock(LINKS)}`,
      html: `<a href="${RUNBOOK}">runbook</a><a href="${DASHBOARD}">dashboard</a>`,
      headers: {},
      receivedAt: at,
    });
    expect(problemsOf(mail(promstackText([`Runbook: ${RUNBOOK}`, `Dashboard: ${DASHBOARD}`])))).toEqual([]);
    expect(problemsOf(mail(promstackText([])))).toHaveLength(2);
  });

  it('ask only that a templated link is there, and nothing of a rule without links', () => {
    const templated = { runbook_url: 'https://wiki.example.com/{{ $labels.service }}' };
    const carried = { runbook_url: 'https://wiki.example.com/orders' };
    expect(problemsOf(webhook(carried), templated)).toEqual([]);
    expect(problemsOf(webhook({}), templated)).toEqual([
      'webhook notification to shop-pager has no runbook link (runbook_url)',
    ]);
    expect(problemsOf(webhook({}), {})).toEqual([]);
  });

  it('leave a notification that does not carry the alert to the receiver check', () => {
    expect(linkProblems(normalise(webhook({})), { alertname: 'TargetDown' }, LINKS)).toEqual([]);
  });
});
