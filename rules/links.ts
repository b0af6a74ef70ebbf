import { sortKeys } from '../components/model/names';
import type { BuiltAlert, BuiltRules } from './build';
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
  const links: Record<string, string> = {};
  if (bases.runbookBaseUrl) {
    links[LINK_ANNOTATIONS.runbook] = `${trimSlash(bases.runbookBaseUrl)}/${encodeURIComponent(alertName)}`;
  }
  if (bases.grafanaUrl && bases.dashboardUid) {
    links[LINK_ANNOTATIONS.dashboard] =
      `${trimSlash(bases.grafanaUrl)}/d/${encodeURIComponent(bases.dashboardUid)}`;
  }
  return links;
}

/**
 * Adds runbook and dashboard links to every alert of a rule set, and to the annotations its promtool
 * tests expect (the alert's own, and those of companion alerts a scenario also sets off), so that the
 * tests keep holding. Annotations already set (an override's `runbook_url`) are kept.
 */
export function withAlertLinks(rules: BuiltRules, bases: AlertLinkBases): BuiltRules {
  const linked = new Map<string, Record<string, string>>();
  for (const alert of rules.alerts) {
    const own = alertLinks(alert.rule.alert, bases);
    const annotations = sortKeys({ ...own, ...alert.rule.annotations });
    linked.set(alert.key, Object.fromEntries(Object.keys(own).map((k) => [k, annotations[k]])));
  }
  const add = (links: Record<string, string> | undefined, annotations: Record<string, string>) =>
    sortKeys({ ...links, ...annotations });
  const scenario = <S extends Pick<AlertScenario, 'annotations' | 'alsoFiring'>>(key: string, s: S): S => ({
    ...s,
    annotations: add(linked.get(key), s.annotations),
    ...(s.alsoFiring
      ? {
          alsoFiring: s.alsoFiring.map((c) => ({ ...c, annotations: add(linked.get(c.key), c.annotations) })),
        }
      : {}),
  });
  const alerts = rules.alerts.map((alert): BuiltAlert => {
    const links = linked.get(alert.key);
    const rule = { ...alert.rule, annotations: add(links, alert.rule.annotations) };
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
