import {
  DashboardBuilder,
  DashboardCursorSync,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { ServiceDefinition } from '../components/service';
import { SLO_ROW_TITLE, sloOverviewPanels } from './overview-slo';
import { toPlainDashboard } from './plain';
import type { PlainDashboard } from './types';
import {
  datasourceVariable,
  instantQuery,
  labelValuesVariable,
  rangeQuery,
  statPanel,
  timeseriesPanel,
} from './panels';

export interface StackOverviewOptions {
  uid?: string;
  title?: string;
  /** The stack's services: their SLOs get a row of their own. */
  services?: readonly ServiceDefinition[];
}

const JOBS = 'job=~"$job"';

/** Green at zero, red from one: for counts of things that should not exist. */
function redFromOne(): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value: 1, color: 'red' },
  ]);
}

/**
 * The stack overview: are the targets up, is Prometheus scraping and evaluating rules, is Alertmanager
 * delivering, and what fires. Metric names are those Prometheus 3.5 and Alertmanager 0.33 expose; the job
 * variable filters the scrape panels, the server panels show every Prometheus and Alertmanager.
 */
export function stackOverviewDashboard(options: StackOverviewOptions = {}): PlainDashboard {
  const builder = new DashboardBuilder(options.title ?? 'promstack / Stack overview')
    .uid(options.uid ?? 'promstack-overview')
    .tags(['promstack', 'generated'])
    .readonly()
    .timezone('utc')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(labelValuesVariable('job', 'job', 'up'))

    .withRow(new RowBuilder('Summary'))
    .withPanel(statPanel('Targets up', 'short').withTarget(instantQuery(`sum(up{${JOBS}})`, 'up')))
    .withPanel(
      statPanel('Targets down', 'short')
        .thresholds(redFromOne())
        .withTarget(instantQuery(`count(up{${JOBS}} == 0) or vector(0)`, 'down')),
    )
    .withPanel(
      statPanel('Firing alerts', 'short')
        .thresholds(redFromOne())
        .withTarget(instantQuery('count(ALERTS{alertstate="firing"}) or vector(0)', 'firing')),
    )
    .withPanel(
      statPanel('TSDB head series', 'short').withTarget(
        instantQuery('sum(prometheus_tsdb_head_series)', 'series'),
      ),
    );

  const slos = sloOverviewPanels(options.services ?? []);
  if (slos.length > 0) {
    builder.withRow(new RowBuilder(SLO_ROW_TITLE));
    for (const panel of slos) builder.withPanel(panel);
  }

  builder
    .withRow(new RowBuilder('Scraping'))
    .withPanel(
      timeseriesPanel('Targets up by job', 'short')
        .min(0)
        .withTarget(rangeQuery(`sum by (job) (up{${JOBS}})`, '{{job}} up'))
        .withTarget(rangeQuery(`count by (job) (up{${JOBS}})`, '{{job}} total')),
    )
    .withPanel(
      timeseriesPanel('Scrape duration by job', 's')
        .min(0)
        .withTarget(rangeQuery(`max by (job) (scrape_duration_seconds{${JOBS}})`, '{{job}}')),
    )
    .withPanel(
      timeseriesPanel('Samples scraped by job', 'short')
        .min(0)
        .withTarget(rangeQuery(`sum by (job) (scrape_samples_scraped{${JOBS}})`, '{{job}}')),
    )
    .withPanel(
      timeseriesPanel('Samples ingested', 'cps')
        .min(0)
        .withTarget(
          rangeQuery(
            'sum by (instance) (rate(prometheus_tsdb_head_samples_appended_total[$__rate_interval]))',
            '{{instance}}',
          ),
        ),
    )

    .withRow(new RowBuilder('Rules and alerts'))
    .withPanel(
      timeseriesPanel('Rule evaluation failures by group', 'short')
        .min(0)
        .withTarget(
          rangeQuery(
            'sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total[$__rate_interval]))',
            '{{rule_group}}',
          ),
        ),
    )
    .withPanel(
      timeseriesPanel('Firing alerts by severity', 'short')
        .min(0)
        .withTarget(rangeQuery('count by (severity) (ALERTS{alertstate="firing"})', '{{severity}}')),
    )

    .withRow(new RowBuilder('Alertmanager'))
    .withPanel(
      timeseriesPanel('Notifications sent by integration', 'cps')
        .min(0)
        .withTarget(
          rangeQuery(
            'sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))',
            '{{integration}}',
          ),
        ),
    )
    .withPanel(
      timeseriesPanel('Notifications failed by integration', 'cps')
        .min(0)
        .withTarget(
          rangeQuery(
            'sum by (integration, reason) (rate(alertmanager_notifications_failed_total[$__rate_interval]))',
            '{{integration}} {{reason}}',
          ),
        ),
    )

    .withRow(new RowBuilder('TSDB'))
    .withPanel(
      timeseriesPanel('Head series by instance', 'short')
        .span(24)
        .withTarget(rangeQuery('sum by (instance) (prometheus_tsdb_head_series)', '{{instance}}')),
    );
  return toPlainDashboard(builder.build());
}
