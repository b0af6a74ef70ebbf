import type { Threshold } from '@grafana/grafana-foundation-sdk/dashboard';
import { ruleNumber, type BurnKind, type SloWindows } from '../components/service/slo-conventions';

/**
 * The colours of SLO panels, derived from the burn conditions of the SLO's period (slo-conventions.ts), so
 * a panel turns orange or red at the factor the generated alert compares and moves with it.
 */

/** Burn rates are multiples of the sustainable rate: 1x spends the budget exactly in the period. */
export const BURN_RATE_UNIT = 'suffix:x';

const KIND_COLOUR: Record<BurnKind, string> = { ticket: 'orange', page: 'red' };

/** Per period (sloWindows keeps one SloWindows a period): every SLO dashboard row asks for the same. */
const factorsByWindows = new WeakMap<SloWindows, Record<BurnKind, readonly number[]>>();

/** The factors of one kind's conditions as the alert rules write them, lowest first, each once. */
export function burnFactors(windows: SloWindows, kind: BurnKind): readonly number[] {
  let factors = factorsByWindows.get(windows);
  if (!factors) {
    const of = (k: BurnKind) =>
      Object.freeze([...new Set(windows[k].map((c) => ruleNumber(c.factor)))].sort((a, b) => a - b));
    factors = { ticket: of('ticket'), page: of('page') };
    factorsByWindows.set(windows, factors);
  }
  return factors[kind];
}

/**
 * One burn rate against every condition of the period: orange from the slowest burn that opens a ticket,
 * red from the slowest that pages.
 */
export function burnRateSteps(windows: SloWindows): Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: burnFactors(windows, 'ticket')[0], color: KIND_COLOUR.ticket },
    { value: burnFactors(windows, 'page')[0], color: KIND_COLOUR.page },
  ];
}

/** A step at each factor of one kind, in its colour: the lines its alert conditions fire above. */
export function conditionSteps(windows: SloWindows, kind: BurnKind): Threshold[] {
  return [
    { value: null, color: 'green' },
    ...burnFactors(windows, kind).map((value) => ({ value, color: KIND_COLOUR[kind] })),
  ];
}

/** Remaining budget: red once it is spent (below 0), green while some is left. */
export function budgetRemainingSteps(): Threshold[] {
  return [
    { value: null, color: 'red' },
    { value: 0, color: 'green' },
  ];
}

/** The period's burn rate: from 1x the period's errors have spent the whole budget. */
export function periodBurnRateSteps(): Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: 1, color: 'red' },
  ];
}
