import type { SynthResult } from '../stack/synth';
import { silencesApplier } from './silences-applier';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload, secretsNeeded } from './workload';

/**
 * Every stack secret a deploy of `synth` reads, sorted: the secret files of the tools' workloads (their
 * configs' credentials, the web login and its TLS files, Grafana's password and key) and of the
 * silences applier. What a stack must be given a value for, read from the workloads that mount them.
 */
export function stackSecretNames(synth: SynthResult): string[] {
  const alertmanager = alertmanagerWorkload(synth);
  const applier = silencesApplier(synth, alertmanager);
  return secretsNeeded([
    prometheusWorkload(synth),
    alertmanager,
    grafanaWorkload(synth),
    ...(applier ? [applier] : []),
  ]);
}
