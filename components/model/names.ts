import { z } from 'zod';

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Label names the Prometheus server and rule engine set themselves; a user-given label may not use them. */
export const RESERVED_LABELS = ['__name__', 'alertname'] as const;

export const labelName = z.string().regex(LABEL_NAME, {
  error: (issue) =>
    `invalid label name ${JSON.stringify(issue.input)}: use letters, digits and underscores, not starting with a digit`,
});

export const metricName = z.string().regex(METRIC_NAME, {
  error: (issue) =>
    `invalid metric name ${JSON.stringify(issue.input)}: use letters, digits, underscores and colons, not starting with a digit`,
});

/** A label name a user may set on an alert, a series or an external label. */
export const userLabelName = labelName
  .refine((name) => !name.startsWith('__'), {
    error: (issue) =>
      `label name ${JSON.stringify(issue.input)} is reserved: names starting with __ are internal`,
  })
  .refine((name) => !(RESERVED_LABELS as readonly string[]).includes(name), {
    error: (issue) => `label name ${JSON.stringify(issue.input)} is reserved for Prometheus`,
  });

/** Returns a copy of a string map with its keys in code-unit order, so renders never depend on input order. */
export function sortKeys<V>(map: Record<string, V>): Record<string, V> {
  const keys = Object.keys(map);
  // Most maps come already in order (built from sorted ones). Sort's default order is code-unit order
  // (keys are strings), as compareText's, without a call per comparison.
  if (!inOrder(keys)) keys.sort();
  const sorted: Record<string, V> = {};
  for (let i = 0; i < keys.length; i++) sorted[keys[i]] = map[keys[i]];
  return sorted;
}

/**
 * `map` itself when its keys are in code-unit order, else a sorted copy (sortKeys): for maps handed on
 * and never changed in place, where sortKeys would copy one that is in order already.
 */
export function inKeyOrder<V>(map: Record<string, V>): Record<string, V> {
  return inOrder(Object.keys(map)) ? map : sortKeys(map);
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Whether a JS string is valid UTF-8 once encoded: no lone surrogate halves. */
export function isWellFormedText(text: string): boolean {
  // ES2024's String.prototype.isWellFormed (Node 20 has it, the ES2022 lib does not declare it): a scan
  // of the text rather than a regex with look-arounds at every character, for every label of a synth.
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * A label name as Prometheus 3 accepts it in rule files: any non-empty UTF-8 text but `__name__`
 * (`on-call` and `ünï` are legal; PromQL quotes them). The stack's own labels keep the classic
 * charset (userLabelName), because its generated PromQL writes them unquoted.
 */
export const promLabelName = z.string().superRefine((name, ctx) => {
  if (name === '' || !isWellFormedText(name))
    ctx.addIssue({
      code: 'custom',
      message: `invalid label name ${JSON.stringify(name)}: use non-empty UTF-8 text`,
    });
  else if (name === '__name__')
    ctx.addIssue({ code: 'custom', message: 'label name "__name__" is the metric name: set it with record' });
});

/** A label value: any UTF-8 text. */
export const promLabelValue = z
  .string()
  .refine(isWellFormedText, { error: 'invalid label value: not UTF-8 text' });

/** A map of user label names to values, rendered in sorted key order. */
export const labelSet = z.record(userLabelName, z.string()).transform(sortKeys);

/** A name of a thing the configs refer to by name (jobs, receivers, groups): non-empty, no surrounding space. */
export const objectName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((name) => name.trim() === name, { error: 'must not start or end with white space' });
