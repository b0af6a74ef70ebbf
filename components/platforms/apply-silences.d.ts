import type { ApiSilence } from '../stack/silences';

/** Basic-auth credentials of an Alertmanager with web authentication. */
export interface Credentials {
  username: string;
  password: string;
}

export interface ApplyOptions {
  /** What counts as now for ended silences. Default: the clock. */
  now?: number;
  credentials?: Credentials;
  /** How long to wait for Alertmanager's /-/ready. Default 0: one try. */
  waitSeconds?: number;
}

export interface SilencesApplied {
  /** Created now. */
  created: number;
  /** Already in Alertmanager (from an earlier run), left as they are. */
  present: number;
  /** Ended before now: nothing to silence. */
  ended: number;
}

/** Types of apply-silences.js, the applier every platform runs (see there). */
export function applySilences(
  alertmanagerUrl: string,
  silences: readonly ApiSilence[],
  options?: ApplyOptions,
): Promise<SilencesApplied>;

/** `silences: N created, M already there, K ended`. */
export function summary(applied: SilencesApplied): string;
