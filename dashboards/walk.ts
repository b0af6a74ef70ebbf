import type { PlainDashboard, PlainPanel, PlainTarget } from './types';

/** The name a dashboard goes by in reports: its uid, else its title. */
export function dashboardName(dashboard: Pick<PlainDashboard, 'uid' | 'title'>): string {
  return nonEmpty(dashboard.uid) ?? nonEmpty(dashboard.title) ?? '?';
}

/** Where a dashboard's error paths start: `dashboards.<uid>`. */
export function dashboardPath(dashboard: Pick<PlainDashboard, 'uid' | 'title'>): string {
  return `dashboards.${dashboardName(dashboard)}`;
}

export interface PanelEntry {
  panel: PlainPanel;
  /** `dashboards.<uid>.panels[<title>]`, nested as `...panels[<row>].panels[<title>]` in collapsed rows. */
  path: string;
  /** Panels with the same layout share one grid: the top level, or the inside of one collapsed row. */
  layout: string;
}

/** Every panel in reading order, rows and the panels collapsed rows hold included. */
export function panelEntries(dashboard: PlainDashboard): PanelEntry[] {
  const entries: PanelEntry[] = [];
  const root = dashboardPath(dashboard);
  const visit = (panels: PlainPanel[], parent: string, layout: string) => {
    panels.forEach((panel, index) => {
      const path = `${parent}.panels[${nonEmpty(panel.title) ?? index}]`;
      entries.push({ panel, path, layout });
      if (panel.type === 'row' && panel.panels && panel.panels.length > 0) visit(panel.panels, path, path);
    });
  };
  visit(dashboard.panels ?? [], root, root);
  return entries;
}

export function targetPath(panelPath: string, target: PlainTarget, index: number): string {
  return `${panelPath}.targets[${nonEmpty(target.refId) ?? index}]`;
}

function nonEmpty(text: unknown): string | undefined {
  return typeof text === 'string' && text !== '' ? text : undefined;
}
