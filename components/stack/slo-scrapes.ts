import { formatDuration, parseDuration } from '../model/duration';
import type { IssueCollector } from '../model/errors';
import type { ServiceDefinition } from '../service';
import { sloWindows } from '../service/slo-conventions';
import type { StackConfig } from './config';

/**
 * An SLO's shortest window must hold at least two scrapes of its service, or rate() over it has nothing
 * to work with and the page never fires. A 7d SLO's quick page window is 1m10s: a 60s scrape interval
 * cannot feed it. Checked against the interval the service is actually scraped at.
 */
export function checkSloScrapes(
  config: StackConfig,
  services: readonly ServiceDefinition[],
  issues: IssueCollector,
): void {
  for (const service of services) {
    const interval = parseDuration(service.scrape?.interval ?? config.prometheus.scrapeInterval);
    if (!interval) continue;
    (service.slos ?? []).forEach((slo, index) => {
      // A period that is no duration is the schema's to report.
      if (slo.period !== undefined && !parseDuration(slo.period)) return;
      const windows = sloWindows(slo.period);
      const shortest = windows.page[0].shortMs;
      if (shortest >= 2 * interval) return;
      issues.add(
        `services.${service.name}.slos[${slo.name ?? index}].period`,
        `the ${windows.period} SLO's shortest window (${windows.shortestWindow}) holds fewer than two scrapes ` +
          `at the ${formatDuration(interval)} scrape interval: scrape every ${formatDuration(Math.floor(shortest / 2000) * 1000)} ` +
          'or less (scrape.interval), or use a longer period',
      );
    });
  }
}
