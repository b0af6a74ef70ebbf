import type { DrillIntervals } from './config';

/** A duration measured on the drill's compressed clock, and the same on the real clock (× the factor). */
export interface Seconds {
  scaled: number;
  real: number;
}

/** What happened to one alert between its fault and its resolution. */
export interface AlertOutcome {
  alertname: string;
  /** The labels every notification must carry: alertname, service, team, severity (and the SLO's). */
  labels: Record<string, string>;
  /** The rule's runbook_url and dashboard_url, which every firing notification must carry and show. */
  links: Record<string, string>;
  /** What `amtool config routes test` says the alert reaches, from the rendered alertmanager.yml. */
  expectedReceivers: string[];
  /** Receivers whose stand-in got a firing notification with the alert during the scenario. */
  receivers: string[];
  /** Expected receivers that tell about resolution (send_resolved, or the integration's default). */
  expectedResolvedReceivers: string[];
  resolvedReceivers: string[];
  /** From the fault to the alert firing in Prometheus (ALERTS), drill clock. */
  firingAfter?: number;
  /** From the fault to the first notification. Real: the scaled figure times the factor. */
  latency?: Seconds;
  /** scrape interval + evaluation interval + `for` + group_wait, as the stack's configs set them. */
  floor: Seconds;
  /** The floor plus what the rule's window needs to cross the threshold under this fault. */
  windowAwareFloor: Seconds;
  /** How the window's part was worked out. */
  fill: { scaled: string; real: string };
  /** latency / floor and latency / window-aware floor (drill clock). */
  ratios?: { floor: number; windowAware: number };
  /** From clearing the fault to the last resolved notification, drill clock. */
  resolvedAfter?: number;
}

export type ScenarioKind =
  | 'baseline'
  | 'alert'
  | 'inhibition'
  | 'silence'
  | 'maintenance'
  | 'dashboards'
  | 'heartbeat'
  | 'stack-health';

export interface ScenarioResult {
  name: string;
  kind: ScenarioKind;
  ok: boolean;
  /**
   * The backend faults in effect (PUT /control/faults body), and `extraApiRequestsPerSecond`: the /api
   * requests the drill sent itself meanwhile (the fast burn's retry storm, the CPU burn's load).
   */
  fault?: Record<string, unknown>;
  alert?: AlertOutcome;
  /** One line: what was checked and what came out. */
  summary: string;
  details?: Record<string, unknown>;
  /** Every reason the scenario failed; empty when it passed. */
  problems: string[];
}

export interface DrillReport {
  ok: boolean;
  stack: string;
  /** Every rule window, `for` and interval is divided by this. */
  timeScale: number;
  /** A notification may take this many window-aware floors at most. */
  limit: number;
  startedAt: string;
  /** Wall-clock seconds the whole drill took. */
  durationSeconds: number;
  /** The service the faults break (the example backend). */
  service: string;
  intervals: { real: DrillIntervals; scaled: DrillIntervals };
  /** Clean traffic written into the TSDB before the faults, so the SLO windows hold a past. */
  history: { seconds: number; realSeconds: number; series: number; reason: string };
  scenarios: ScenarioResult[];
  /** Kept data folder (configs, logs), when asked to keep it. */
  dataDir?: string;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));
const num = (value: number | undefined) => (value === undefined ? '-' : String(Math.round(value * 10) / 10));
const ratio = (value: number | undefined) =>
  value === undefined ? '-' : `${(Math.round(value * 100) / 100).toFixed(2)}x`;

/** The report as a person reads it: one table of the alert scenarios, then every check. */
export function formatReport(report: DrillReport): string {
  const lines: string[] = [];
  const { real, scaled } = report.intervals;
  lines.push(
    `promstack drill: stack ${report.stack}, service ${report.service}, time scale ${report.timeScale}x ` +
      `(${Math.round(report.durationSeconds)} s)`,
    `  real clock:  scrape ${real.scrapeInterval}, evaluation ${real.evaluationInterval}, group_wait ${real.groupWait}, group_interval ${real.groupInterval}`,
    `  drill clock: scrape ${scaled.scrapeInterval}, evaluation ${scaled.evaluationInterval}, group_wait ${scaled.groupWait}, group_interval ${scaled.groupInterval}`,
    `  SLO history: ${report.history.reason}`,
    '',
  );
  const header = [
    'scenario',
    'result',
    'notified s',
    'real-clock s',
    'floor s',
    'x floor',
    'window floor s',
    'x window',
    'receivers',
  ];
  const rows = report.scenarios
    .filter((s) => s.alert)
    .map((s) => {
      const a = s.alert!;
      return [
        s.name,
        s.ok ? 'PASS' : 'FAIL',
        num(a.latency?.scaled),
        num(a.latency?.real),
        `${num(a.floor.scaled)} (${num(a.floor.real)})`,
        ratio(a.ratios?.floor),
        `${num(a.windowAwareFloor.scaled)} (${num(a.windowAwareFloor.real)})`,
        ratio(a.ratios?.windowAware),
        a.receivers.join(', ') || '-',
      ];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  lines.push(
    '',
    `Floors in seconds on the drill clock (real clock in brackets). A notification passes when it arrives within ${report.limit}x its window-aware floor.`,
    '',
  );
  for (const s of report.scenarios) {
    lines.push(`${s.ok ? 'PASS' : 'FAIL'}  ${s.name}: ${s.summary}`);
    if (s.alert) lines.push(`      window: ${s.alert.fill.scaled}`);
    for (const [name, url] of Object.entries(s.alert?.links ?? {})) lines.push(`      ${name}: ${url}`);
    for (const problem of s.problems) lines.push(`      problem: ${problem}`);
  }
  const failed = report.scenarios.filter((s) => !s.ok).length;
  lines.push(
    '',
    failed === 0
      ? `Every scenario passed (${report.scenarios.length}).`
      : `${failed} of ${report.scenarios.length} scenarios failed.`,
  );
  return `${lines.join('\n')}\n`;
}
