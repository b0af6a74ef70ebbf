import { z } from 'zod';
import { duration, parseDuration } from '../duration';
import { compareText } from '../errors';
import { hasLineBreak } from '../inline-credentials';
import { labelName, objectName, sortKeys } from '../names';

/**
 * Runs an object-level check even when fields inside the object failed (zod skips it otherwise), so a
 * user sees every problem of one receiver in one pass. The check gets a partly parsed object and only
 * asks which keys are set.
 */
export const EVEN_WITH_FIELD_ERRORS = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** A check that exactly one of two alternative fields is set, reported at the first one. */
export function exactlyOneOf(first: string, second: string, hint: string) {
  return z.superRefine((value: Record<string, unknown>, ctx) => {
    const count = [first, second].filter((key) => value[key] !== undefined).length;
    if (count === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: [first],
      message: count === 0 ? `set ${first} or ${second}: ${hint}` : `set only one of ${first} and ${second}`,
    });
  }, EVEN_WITH_FIELD_ERRORS);
}

/** A string field that must be present and not blank; `what` says what belongs there. */
export function requiredText(what: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `missing: set it to ${what}` : undefined) })
    .refine((text) => text.trim() !== '', { error: `must not be empty: set it to ${what}` });
}

/**
 * An e-mail address field (`to`, `from`): Alertmanager parses it at send time, so only the shape is
 * checked here. Templates (`{{ ... }}`) are allowed, and `to` may list several addresses.
 */
export const mailAddress = z
  .string()
  .refine((text) => !hasLineBreak(text), {
    error: 'a line break in an address starts a new mail header: keep the address on one line',
    abort: true,
  })
  .refine((text) => text.includes('@') || text.includes('{{'), {
    error: (issue) =>
      `invalid e-mail address ${JSON.stringify(issue.input)}: write alerts@example.org or "Alerts <alerts@example.org>"`,
  });

/** A map of names to template text, rendered with its keys sorted. */
export const textMap = z
  .record(z.string().min(1, { error: 'keys must not be empty' }), z.string())
  .transform(sortKeys);

/** Names of time intervals a route refers to; a set, so rendered sorted and without repeats. */
export const intervalNames = z.array(objectName).transform((names) => [...new Set(names)].sort(compareText));

/** Label names used as a set (inhibit `equal`), rendered sorted and without repeats. */
export const labelNameSet = z.array(labelName).transform((names) => [...new Set(names)].sort(compareText));

/**
 * A duration above zero. Unlike ../duration's positiveDuration it stays quiet about a duration that does
 * not parse, which already has its own error.
 */
export const nonZeroDuration = duration.refine((text) => parseDuration(text) !== 0, {
  error: 'must be greater than zero',
});

/** Every integration config has it: whether to notify when the alert resolves. */
export const sendResolved = z.boolean().optional();
