import type { PlainDashboard } from '../../dashboards';
import type { ServiceDefinition } from '../service';

/** Per-service dashboards; filled in by the dashboard factory. */
export function serviceDashboards(_services: readonly ServiceDefinition[]): PlainDashboard[] {
  return [];
}
