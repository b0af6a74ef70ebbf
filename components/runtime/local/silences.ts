// The .js file itself: the applier that deploys run is plain JavaScript (its types: apply-silences.d.ts).
import {
  applySilences as apply,
  type Credentials,
  type SilencesApplied,
} from '../../platforms/apply-silences.js';
import type { StackConfig } from '../../stack/config';
import { apiSilences } from '../../stack/silences';

export type { SilencesApplied };

/**
 * Creates the stack config's silences in a running Alertmanager, each once: the applier a Docker or
 * Kubernetes deploy runs beside Alertmanager (platforms/apply-silences.js), on the same rendered form,
 * logged in as the stack's webAuth user when given its credentials.
 */
export function applySilences(
  alertmanagerUrl: string,
  silences: StackConfig['silences'],
  now = Date.now(),
  credentials?: Credentials,
): Promise<SilencesApplied> {
  return apply(alertmanagerUrl, apiSilences(silences), { now, ...(credentials ? { credentials } : {}) });
}
