import { integrationsOf, type AlertmanagerConfig } from '../components/model/alertmanager';
import { compareText } from '../components/model/errors';
import type { AlertingRule } from '../components/model/rules';
import { routingLabelNames, ruleAlerts } from '../components/stack/alert-routes';
import type { RenderedStack } from '../components/stack/synth';
import { matchNodes, routeTree } from './routed';
import { exprChange } from './semantic';

/** What a change does to who gets told about an alert, in one sentence. */
export interface PagingChange {
  kind: 'team' | 'added' | 'removed' | 'severity' | 'receivers' | 'for' | 'threshold';
  /** The alert's rule set: its service, `promstack-stack` or `vendor-<file>`. */
  service: string;
  /** Absent for a team change, which is the whole service's. */
  alertname?: string;
  /** The alert's severity: the new one, the old one for a removed alert. */
  severity?: string;
  /** Receivers (added, removed, receivers), the team, severity, `for` or expression on each side. */
  before?: string | string[];
  after?: string | string[];
  text: string;
}

/** The parts of a rendered stack that decide where its alerts go. */
export type PagingStack = Pick<RenderedStack, 'prometheus' | 'ruleFiles' | 'alertmanager'>;

/** Where one alert goes: its rule, and the receivers its labels reach. */
export interface Reach {
  service: string;
  alertname: string;
  severity: string;
  team?: string;
  receivers: string[];
  rule: AlertingRule;
}

/** Integrations that page a person (an incident with escalation) rather than post a message. */
const PAGING_INTEGRATIONS = new Set(['pagerduty_configs', 'opsgenie_configs']);

/**
 * Where every alert of the stack goes: its labels walked down the typed routing tree as Alertmanager's
 * dispatcher walks it (routed.ts), not amtool, so that diff needs no tool and stays pure. Its test
 * holds the walk to amtool on the full test stack; `promstack routes` lists any alert they disagree on.
 */
export function reachOf(stack: PagingStack): Reach[] {
  const tree = routeTree({ rendered: stack });
  // Only the labels the tree matches on decide the walk: alerts that agree on them share it (a large
  // catalogue has thousands of alerts and a few dozen such label sets).
  const routing = routingLabelNames(stack.alertmanager);
  const names = routing ? [...routing].sort(compareText) : undefined;
  const walked = new Map<string, string[]>();
  const receiversOf = (labels: Record<string, string>) => {
    const key = JSON.stringify(names ? names.map((name) => labels[name] ?? '') : labels);
    let receivers = walked.get(key);
    if (!receivers) {
      receivers = [...new Set(matchNodes(tree, labels).map((node) => node.receiver))];
      walked.set(key, receivers);
    }
    return receivers;
  };
  return ruleAlerts(stack).map(({ service, rule, labels }) => ({
    service,
    alertname: rule.alert,
    severity: labels.severity ?? '',
    ...(labels.team !== undefined ? { team: labels.team } : {}),
    receivers: receiversOf(labels),
    rule,
  }));
}

/** Items grouped by a key, each group in the items' order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/**
 * What a change does to paging, from the typed objects of both sides: per alert (alert name and rule
 * set) and severity, the receivers it reaches before and after. `before` undefined is a stack that did
 * not exist: every alert is new. Sorted by rule set, then alert name; a service's team change first.
 */
export function pagingChanges(before: PagingStack | undefined, after: PagingStack): PagingChange[] {
  const a = before ? reachOf(before) : [];
  const b = reachOf(after);
  const verbsA = before ? verbsOf(before.alertmanager) : new Map<string, Verb>();
  const verbsB = verbsOf(after.alertmanager);
  const servicesA = groupBy(a, (r) => r.service);
  const servicesB = groupBy(b, (r) => r.service);
  const services = [...new Set([...servicesA.keys(), ...servicesB.keys()])].sort(compareText);
  const changes: PagingChange[] = [];
  for (const service of services) {
    const left = servicesA.get(service) ?? [];
    const right = servicesB.get(service) ?? [];
    const teamA = teamOf(left);
    const teamB = teamOf(right);
    if (left.length > 0 && right.length > 0 && teamA !== teamB) {
      changes.push({
        kind: 'team',
        service,
        before: teamA,
        after: teamB,
        text: `${service} alerts now route to ${showTeam(teamB)} (was ${showTeam(teamA)})`,
      });
    }
    const names = [...new Set([...left, ...right].map((r) => r.alertname))].sort(compareText);
    for (const alertname of names) {
      const x = left.filter((r) => r.alertname === alertname);
      const y = right.filter((r) => r.alertname === alertname);
      const ambiguous = x.length > 1 || y.length > 1;
      const title = (r: Reach) =>
        ambiguous ? `${alertname} (${service}, ${showSeverity(r.severity)})` : `${alertname} (${service})`;
      const { pairs, removed, added } = pairBySeverity(x, y);
      for (const [old, now] of pairs) changes.push(...alertChanges(old, now, title, verbsA, verbsB));
      for (const old of removed) {
        changes.push({
          ...id(old),
          kind: 'removed',
          before: old.receivers,
          text: `${title(old)} is removed: it no longer ${reach(old.receivers, verbsA, ' or ')}`,
        });
      }
      for (const now of added) {
        changes.push({
          ...id(now),
          kind: 'added',
          after: now.receivers,
          text: `${title(now)} is new (${showSeverity(now.severity)}): it ${reach(now.receivers, verbsB, ' and ')}`,
        });
      }
    }
  }
  return changes;
}

function id(r: Reach): Pick<PagingChange, 'service' | 'alertname' | 'severity'> {
  return { service: r.service, alertname: r.alertname, severity: r.severity };
}

/** Same severity first (a burn-rate pair stays paired), then in file order: a severity change. */
function pairBySeverity(
  before: readonly Reach[],
  after: readonly Reach[],
): { pairs: [Reach, Reach][]; removed: Reach[]; added: Reach[] } {
  const removed = [...before];
  const added = [...after];
  const pairs: [Reach, Reach][] = [];
  for (const old of before) {
    const index = added.findIndex((now) => now.severity === old.severity);
    if (index < 0) continue;
    pairs.push([old, added.splice(index, 1)[0]]);
    removed.splice(removed.indexOf(old), 1);
  }
  while (removed.length > 0 && added.length > 0) pairs.push([removed.shift()!, added.shift()!]);
  return { pairs, removed, added };
}

function alertChanges(
  old: Reach,
  now: Reach,
  title: (r: Reach) => string,
  verbsA: Map<string, Verb>,
  verbsB: Map<string, Verb>,
): PagingChange[] {
  const changes: PagingChange[] = [];
  if (old.severity !== now.severity) {
    changes.push({
      ...id(now),
      kind: 'severity',
      before: old.severity,
      after: now.severity,
      text: `${title(old)} is now ${showSeverity(now.severity)} (was ${showSeverity(old.severity)})`,
    });
  }
  const lost = old.receivers.filter((r) => !now.receivers.includes(r));
  const gained = now.receivers.filter((r) => !old.receivers.includes(r));
  if (lost.length > 0 || gained.length > 0) {
    const kept = now.receivers.filter((r) => old.receivers.includes(r));
    const text =
      lost.length === 0
        ? `${title(now)} now also ${reach(gained, verbsB, ' and ')}`
        : `${title(now)} no longer ${reach(lost, verbsA, ' or ')}; it ${
            gained.length > 0
              ? `now ${reach(gained, verbsB, ' and ')}`
              : `still ${reach(kept, verbsB, ' and ')}`
          }`;
    changes.push({ ...id(now), kind: 'receivers', before: old.receivers, after: now.receivers, text });
  }
  const forA = old.rule.for ?? '0s';
  const forB = now.rule.for ?? '0s';
  if (forA !== forB) {
    changes.push({
      ...id(now),
      kind: 'for',
      before: forA,
      after: forB,
      text: `${title(now)} now fires ${showFor(forB)} (was ${showFor(forA)})`,
    });
  }
  const threshold = old.rule.expr === now.rule.expr ? undefined : exprChange(old.rule.expr, now.rule.expr);
  // Any other change of the query is the rule's, shown among the changes; only a threshold says how soon.
  if (threshold?.startsWith(THRESHOLD_PREFIX)) {
    changes.push({
      ...id(now),
      kind: 'threshold',
      before: old.rule.expr,
      after: now.rule.expr,
      text: `${title(now)} threshold changed: ${threshold.slice(THRESHOLD_PREFIX.length)}`,
    });
  }
  return changes;
}

const THRESHOLD_PREFIX = 'threshold changed: ';

type Verb = 'pages' | 'notifies' | 'silent';

function verbsOf(config: AlertmanagerConfig): Map<string, Verb> {
  return new Map(
    config.receivers.map((receiver) => {
      const kinds = integrationsOf(receiver).map((i) => i.kind);
      const verb: Verb =
        kinds.length === 0 ? 'silent' : kinds.some((k) => PAGING_INTEGRATIONS.has(k)) ? 'pages' : 'notifies';
      return [receiver.name, verb];
    }),
  );
}

/** `pages a and notifies b, c`: receivers grouped by what reaching them does, in that order. */
function reach(receivers: readonly string[], verbs: Map<string, Verb>, joiner: string): string {
  const of = (verb: Verb) => receivers.filter((r) => (verbs.get(r) ?? 'notifies') === verb);
  const pages = of('pages');
  const notifies = of('notifies');
  const silent = of('silent');
  return [
    pages.length > 0 ? `pages ${pages.join(', ')}` : '',
    notifies.length > 0 ? `notifies ${notifies.join(', ')}` : '',
    silent.length > 0
      ? `goes to ${silent.join(', ')}, which notif${silent.length === 1 ? 'ies' : 'y'} no one`
      : '',
  ]
    .filter(Boolean)
    .join(joiner);
}

function teamOf(reaches: readonly Reach[]): string {
  return [...new Set(reaches.flatMap((r) => (r.team === undefined ? [] : [r.team])))]
    .sort(compareText)
    .join(', ');
}

function showTeam(team: string): string {
  return team === '' ? 'no team' : `team ${team}`;
}

function showSeverity(severity: string): string {
  return severity === '' ? 'no severity' : severity;
}

function showFor(duration: string): string {
  return duration === '0s' ? 'as soon as its condition holds' : `after ${duration}`;
}

/** Why a diff against a base whose synth predates the typed result cannot tell paging changes. */
export const PAGING_UNKNOWN =
  "the base's synth predates its typed result, which paging changes are read from";

/**
 * The paging changes of one stack as markdown for a pull request comment: a heading, the sentences as a
 * list ("No paging change." when none) and how many rendered files differ.
 */
export function pagingSummary(input: {
  stack: string;
  /** What the stack is compared with: `origin/main (1a2b3c4d5e6f)`, `stack dev`. */
  base: string;
  note?: string;
  paging: readonly PagingChange[] | undefined;
  files: readonly { status: string }[];
}): string {
  const lines = [`### Stack ${markdown(input.stack)}: paging changes against ${markdown(input.base)}`, ''];
  if (input.note) lines.push(`> ${markdown(input.note)}`, '');
  if (!input.paging) lines.push(`Paging changes unknown: ${markdown(PAGING_UNKNOWN)}.`);
  else if (input.paging.length === 0) lines.push('No paging change.');
  else lines.push(...input.paging.map((change) => `- ${markdown(change.text)}`));
  const count = (status: string) => input.files.filter((f) => f.status === status).length;
  lines.push(
    '',
    input.files.length === 0
      ? 'Rendered files: identical.'
      : `Rendered files: ${input.files.length} differ (${count('changed')} changed, ${count('added')} added, ${count('removed')} removed).`,
    '',
  );
  return lines.join('\n');
}

/** Names are label values: any character GitHub's markdown would read as formatting is escaped. */
function markdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#]/g, '\\$&');
}
