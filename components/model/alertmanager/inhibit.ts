import { z } from 'zod';
import { objectName } from '../names';
import { labelNameSet } from './fields';
import { matcherList } from './matchers';

/** An empty matcher list would select every alert, which is never what an inhibit rule means. */
function someMatchers(side: 'source' | 'target', meaning: string) {
  return matcherList.refine((list) => list.length > 0, {
    error: `an inhibit rule needs at least one ${side} matcher (${meaning}); with none it would select every alert`,
  });
}

/**
 * While an alert matching `source_matchers` fires, alerts matching `target_matchers` with the same
 * values of the `equal` labels are not sent.
 */
export const inhibitRule = z.strictObject({
  /** Names the rule in error messages and review, and in Alertmanager's own (0.33 renders it). */
  name: objectName.optional(),
  source_matchers: someMatchers('source', 'the alert that inhibits'),
  target_matchers: someMatchers('target', 'the alerts it silences'),
  equal: labelNameSet.optional(),
});

export type InhibitRuleInput = z.input<typeof inhibitRule>;
export type InhibitRule = z.output<typeof inhibitRule>;
