import { DRILL_DETAIL, DRILL_TEXT, type ChannelRecord, type Notification } from '../channels';

/** The annotations that link an alert to its runbook and dashboard (rules/links.ts writes them). */
const LINKS = { runbook_url: 'runbook', dashboard_url: 'dashboard' } as const;
type LinkAnnotation = keyof typeof LINKS;

/** The link annotations of an alerting rule: what every notification of the alert must carry. */
export function ruleLinks(annotations: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  for (const name of Object.keys(LINKS) as LinkAnnotation[])
    if (annotations?.[name] !== undefined) links[name] = annotations[name];
  return links;
}

const DRILL_BLOCK = DRILL_TEXT.slice(0, DRILL_TEXT.indexOf('\n'));
/** A message's text as its reader sees it: without the block the drill's receivers append. */
const withoutDrillBlock = (text: string | undefined) => {
  const at = (text ?? '').indexOf(DRILL_BLOCK);
  return at === -1 ? (text ?? '') : (text ?? '').slice(0, at);
};

/**
 * What the person or system at the other end gets to see: the mail's plain text, the Slack message,
 * the PagerDuty event (summary, details, links) and the webhook's JSON, each without what the drill
 * added to read the alerts back, so a link found there came from the stack's own templates.
 */
export function visibleText(record: ChannelRecord): string {
  switch (record.channel) {
    case 'email':
      return withoutDrillBlock(record.text);
    case 'slack':
      return [record.body.text, ...(record.body.attachments ?? []).map((a) => a.text)]
        .map(withoutDrillBlock)
        .join('\n');
    case 'pagerduty': {
      const { [DRILL_DETAIL]: _drill, ...details } = record.body.payload?.custom_details ?? {};
      return JSON.stringify({
        payload: { ...record.body.payload, custom_details: details },
        links: record.body.links,
      });
    }
    case 'webhook':
      return JSON.stringify(record.body);
  }
}

/**
 * Why a firing notification fails the links its alert's rule has: the alert in it lacks a link
 * annotation or carries another URL, or the message does not show the URL to its reader. A templated
 * link (an override's `{{ … }}`) is only required to be there: its value depends on the alert.
 */
export function linkProblems(
  notification: Notification,
  identity: Readonly<Record<string, string>>,
  expected: Readonly<Record<string, string>>,
): string[] {
  const alert = notification.alerts.find((a) =>
    Object.entries(identity).every(([name, value]) => a.labels[name] === value),
  );
  if (!alert || Object.keys(expected).length === 0) return [];
  const where = `${notification.channel} notification to ${notification.receiver}`;
  const visible = visibleText(notification.record);
  const problems: string[] = [];
  for (const [name, url] of Object.entries(expected)) {
    const kind = LINKS[name as LinkAnnotation];
    const carried = alert.annotations[name];
    if (carried === undefined) problems.push(`${where} has no ${kind} link (${name})`);
    else if (!url.includes('{{') && carried !== url)
      problems.push(`${where} links its ${kind} to ${carried}, the rule to ${url}`);
    else if (!visible.includes(carried)) problems.push(`${where} does not show its ${kind} link ${carried}`);
  }
  return problems;
}
