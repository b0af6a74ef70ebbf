import { createHash } from 'node:crypto';
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { compareText } from '../components/model/errors';
import { GRAFANA_UID_MAX_LENGTH } from '../components/model/grafana';
import type { AlertOverride, ServiceDefinition } from '../components/service';
import { serviceContext, type ServiceContext } from '../rules/context';
import { RED_RECORDS, redRules } from '../rules/red';
import { RESOURCE_RECORDS, resourceThresholds } from '../rules/resources';
import {
  PROMETHEUS,
  datasourceVariable,
  instantQuery,
  rangeQuery,
  thresholdLines,
  timeseriesPanel,
} from './panels';
import { adoptBuiltDashboard } from './plain';
import { sloPanels, sloRowTitle } from './service-slo';
import type { PlainDashboard } from './types';

const UID_PREFIX = 'svc-';

/**
 * `svc-<name>`; a name too long for Grafana's 40 characters keeps its start and gets a hash of the whole
 * name, so two long names sharing a prefix still get different uids.
 */
export function serviceDashboardUid(name: string): string {
  const uid = `${UID_PREFIX}${name}`;
  if (uid.length <= GRAFANA_UID_MAX_LENGTH) return uid;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const keep = GRAFANA_UID_MAX_LENGTH - UID_PREFIX.length - hash.length - 1;
  return `${UID_PREFIX}${name.slice(0, keep).replace(/-+$/, '')}-${hash}`;
}

/**
 * The dashboard of one service: RED, saturation, one row per SLO and the service's firing alerts. Panels
 * read the recording rules the alerts evaluate, filtered by the service, so a graph and its alert agree;
 * threshold lines sit where the generated alerts fire, overrides included. Raw series are read only where no
 * rule records them: `up`, `ALERTS` and the service's gauges.
 */
export function serviceDashboard(service: ServiceDefinition): PlainDashboard {
  const ctx = serviceContext(service);
  const thresholds = alertThresholds(ctx);
  const builder = new DashboardBuilder(`${service.name} service`)
    .uid(serviceDashboardUid(service.name))
    .tags(['promstack', 'service', `team:${service.team}`])
    .readonly()
    .timezone('utc')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable());
  if (service.description) builder.description(service.description);

  addRow(builder, service.red ? 'RED' : 'Targets', redPanels(ctx, thresholds));
  addRow(builder, 'Saturation', saturationPanels(ctx, thresholds));
  for (const slo of service.slos ?? []) {
    addRow(builder, sloRowTitle(slo), sloPanels(ctx, slo));
  }
  addRow(builder, 'Alerts', [firingAlertsPanel(ctx)]);
  return adoptBuiltDashboard(builder.build());
}

type PanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | table.PanelBuilder;

function addRow(builder: DashboardBuilder, title: string, panels: PanelBuilder[]): void {
  builder.withRow(new RowBuilder(title));
  for (const panel of panels) builder.withPanel(panel);
}

/** Half-width panels two a line; an odd last one takes the whole line rather than leave a hole. */
function pairs(panels: PanelBuilder[]): PanelBuilder[] {
  if (panels.length % 2 === 1) panels[panels.length - 1].span(24);
  return panels;
}

type AlertKey = 'HighErrorRate' | 'HighLatency' | 'HighCpuUsage' | 'HighMemoryUsage';

/**
 * The values the generated alerts compare against, defaults and overrides applied as buildServiceRules
 * applies them. A disabled alert, or one whose expression is replaced, has no line to draw.
 */
function alertThresholds(ctx: ServiceContext): Partial<Record<AlertKey, number>> {
  const overrides = (ctx.service.alerts?.overrides ?? {}) as Partial<Record<string, AlertOverride>>;
  // The RED alerts exist only for some services; the resource alerts for all, with resourceRules's values.
  const resources = resourceThresholds(ctx.service.resources);
  const generated: Partial<Record<AlertKey, number>> = {
    HighCpuUsage: resources.cpu.threshold,
    HighMemoryUsage: resources.memory.threshold,
  };
  for (const alert of redRules(ctx).alerts) generated[alert.key as AlertKey] = alert.threshold;
  const out: Partial<Record<AlertKey, number>> = {};
  for (const key of ['HighErrorRate', 'HighLatency', 'HighCpuUsage', 'HighMemoryUsage'] as const) {
    const threshold = generated[key];
    const change = overrides[key];
    if (threshold === undefined || change?.disabled || change?.expr !== undefined) continue;
    out[key] = change?.threshold ?? threshold;
  }
  return out;
}

/** A dashed line, and red above it, where an alert fires. */
function alertLine(panel: timeseries.PanelBuilder, at: number | undefined): timeseries.PanelBuilder {
  if (at === undefined) return panel;
  return thresholdLines(panel, [
    { value: null, color: 'green' },
    { value: at, color: 'red' },
  ]);
}

const byService = (ctx: ServiceContext) => `{service="${ctx.service.name}"}`;

function redPanels(ctx: ServiceContext, thresholds: Partial<Record<AlertKey, number>>): PanelBuilder[] {
  const { red } = ctx.service;
  const sel = byService(ctx);
  const panels: PanelBuilder[] = [];
  if (red) {
    panels.push(
      timeseriesPanel('Request rate', 'reqps')
        .description(`Requests per second over 5 minutes (${RED_RECORDS.requests}).`)
        .min(0)
        .withTarget(rangeQuery(`${RED_RECORDS.requests}${sel}`, 'requests')),
      alertLine(
        timeseriesPanel('Error ratio', 'percentunit')
          .description(
            `Share of requests with ${red.errors.label}=~"${red.errors.regex}" over 5 minutes (${RED_RECORDS.errorRatio}); HighErrorRate fires above the line.`,
          )
          .min(0)
          .withTarget(rangeQuery(`${RED_RECORDS.errorRatio}${sel}`, 'errors')),
        thresholds.HighErrorRate,
      ),
    );
    if (red.latency) {
      panels.push(
        alertLine(
          timeseriesPanel('Latency p50 / p99', 's')
            .description(
              `Request duration quantiles over 5 minutes; HighLatency fires when p99 is above the line.`,
            )
            .min(0)
            .withTarget(rangeQuery(`${RED_RECORDS.latencyP50}${sel}`, 'p50'))
            .withTarget(rangeQuery(`${RED_RECORDS.latencyP99}${sel}`, 'p99')),
          thresholds.HighLatency,
        ),
      );
    }
  }
  panels.push(
    timeseriesPanel('Targets up', 'short')
      .description(`1 while Prometheus scrapes the instance; TargetDown fires after 2 minutes at 0.`)
      .min(0)
      .max(1)
      .decimals(0)
      .withTarget(rangeQuery(`up{job="${ctx.job}"}`, '{{instance}}')),
  );
  return pairs(panels);
}

function saturationPanels(
  ctx: ServiceContext,
  thresholds: Partial<Record<AlertKey, number>>,
): PanelBuilder[] {
  const sel = byService(ctx);
  const panels: PanelBuilder[] = [
    alertLine(
      timeseriesPanel('CPU cores per instance', 'short')
        .description(`CPU seconds per second over 5 minutes (${RESOURCE_RECORDS.cpu}).`)
        .min(0)
        .withTarget(rangeQuery(`${RESOURCE_RECORDS.cpu}${sel}`, '{{instance}}')),
      thresholds.HighCpuUsage,
    ),
    alertLine(
      timeseriesPanel('Resident memory per instance', 'bytes')
        .description(`Resident set size (${RESOURCE_RECORDS.memory}).`)
        .min(0)
        .withTarget(rangeQuery(`${RESOURCE_RECORDS.memory}${sel}`, '{{instance}}')),
      thresholds.HighMemoryUsage,
    ),
  ];
  // In-flight requests, queue depths: whatever the service exports as gauges, raw since no rule records them.
  const gauges = Object.entries(ctx.service.metrics)
    .filter(([, spec]) => spec.type === 'gauge')
    .sort(([a], [b]) => compareText(a, b));
  for (const [metric, spec] of gauges) {
    const labels = ['instance', ...spec.labels];
    const panel = timeseriesPanel(metric, 'short').withTarget(
      rangeQuery(
        `sum by (${labels.join(', ')}) (${metric}{job="${ctx.job}"})`,
        labels.map((label) => `{{${label}}}`).join(' '),
      ),
    );
    if (spec.help) panel.description(spec.help);
    panels.push(panel);
  }
  return pairs(panels);
}

function firingAlertsPanel(ctx: ServiceContext): table.PanelBuilder {
  return new table.PanelBuilder()
    .title('Firing alerts')
    .description(`Alerts of ${ctx.service.name} firing now, generated and custom alike.`)
    .datasource(PROMETHEUS)
    .span(24)
    .height(8)
    .noValue('No alert is firing')
    .withTarget(
      instantQuery(`ALERTS{service="${ctx.service.name}", alertstate="firing"}`).format(
        PromQueryFormat.Table,
      ),
    )
    .withTransformation({
      id: 'organize',
      // The sample time and value (always 1) say nothing; the labels are the alert.
      options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true } },
    });
}
