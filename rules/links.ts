import type { BuiltAlert, BuiltRules } from './build';
import { mergedInOrder } from './records';
import type { AlertScenario } from './types';

/** The annotations that link an alert to its runbook and its service dashboard. */
export const LINK_ANNOTATIONS = { runbook: 'runbook_url', dashboard: 'dashboard_url' } as const;

/** Where the links point: both optional; without a base URL no link of that kind is written. */
export interface AlertLinkBases {
  /** `<runbookBaseUrl>/<AlertName>` per alert. */
  runbookBaseUrl?: string;
  /** Grafana's external URL and the uid of the rules' service dashboard: `<grafanaUrl>/d/<uid>`. */
  grafanaUrl?: string;
  dashboardUid?: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The link annotations of one alert name; an annotation the alert already has (an override) wins. */
export function alertLinks(alertName: string, bases: AlertLinkBases): Record<string, string> {
  return linksOf(bases)?.(alertName) ?? {};
}

/** alertLinks for one set of bases: the bases are trimmed and the dashboard link written once. */
function linksOf(bases: AlertLinkBases): ((alertName: string) => Record<string, string>) | undefined {
  const runbook = bases.runbookBaseUrl ? `${trimSlash(bases.runbookBaseUrl)}/` : undefined;
  const dashboard =
    bases.grafanaUrl && bases.dashboardUid
      ? `${trimSlash(bases.grafanaUrl)}/d/${encodeURIComponent(bases.dashboardUid)}`
      : undefined;
  if (runbook === undefined && dashboard === undefined) return undefined;
  return (alertName) => {
    const links: Record<string, string> = {};
    if (runbook !== undefined) links[LINK_ANNOTATIONS.runbook] = runbook + encodeURIComponent(alertName);
    if (dashboard !== undefined) links[LINK_ANNOTATIONS.dashboard] = dashboard;
    return links;
  };
}

/**
 * Adds runbook and dashboard links to every alert of a rule set, and to the annotations its promtool
 * tests expect (the alert's own, and those of companion alerts a scenario also sets off), so that the
 * tests keep holding. Annotations already set (an override's `runbook_url`) are kept.
 */
export function withAlertLinks(rules: BuiltRules, bases: AlertLinkBases): BuiltRules {
  const links = linksOf(bases);
  // Without links the annotations stay as they are: already in order (applyOverrides sorts them).
  if (!links) return rules;
  const linked = new Map<string, Record<string, string>>();
  for (const alert of rules.alerts) {
    const own = links(alert.rule.alert);
    const annotations = alert.rule.annotations;
    for (const key of Object.keys(own)) if (Object.hasOwn(annotations, key)) own[key] = annotations[key];
    linked.set(alert.key, own);
  }
  // A companion listed by two scenarios of an alert is copied once.
  const companions = new Map<object, NonNullable<AlertScenario['alsoFiring']>[number]>();
  const companion = (c: NonNullable<AlertScenario['alsoFiring']>[number]) => {
    let copy = companions.get(c);
    if (!copy) {
      copy = { ...c, annotations: mergedInOrder(linked.get(c.key) ?? {}, c.annotations) };
      companions.set(c, copy);
    }
    return copy;
  };
  const scenario = <S extends Pick<AlertScenario, 'annotations' | 'alsoFiring'>>(key: string, s: S): S => ({
    ...s,
    annotations: mergedInOrder(linked.get(key) ?? {}, s.annotations),
    ...(s.alsoFiring ? { alsoFiring: s.alsoFiring.map(companion) } : {}),
  });
  const alerts = rules.alerts.map((alert): BuiltAlert => {
    const rule = {
      ...alert.rule,
      annotations: mergedInOrder(linked.get(alert.key)!, alert.rule.annotations),
    };
    const tests = alert.tests;
    return {
      ...alert,
      rule,
      tests: tests
        ? {
            ...tests,
            fires: scenario(alert.key, tests.fires),
            ...(tests.cases
              ? {
                  cases: tests.cases.map((c) =>
                    c.fires ? { ...c, fires: scenario(alert.key, c.fires) } : c,
                  ),
                }
              : {}),
          }
        : undefined,
    };
  });
  return { ...rules, alerts };
}
