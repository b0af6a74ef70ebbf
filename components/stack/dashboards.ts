import { serviceDashboard, type PlainDashboard } from '../../dashboards';
import type { ServiceDefinition } from '../service';

/** One dashboard per service: RED, saturation, SLOs and firing alerts. */
export function serviceDashboards(services: readonly ServiceDefinition[]): PlainDashboard[] {
  return services.map(serviceDashboard);
}
