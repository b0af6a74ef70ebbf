import { z } from 'zod';
import { duration } from '../duration';
import { compareText } from '../errors';
import { LABEL_NAME, objectName } from '../names';
import { intervalNames, nonZeroDuration } from './fields';
import { matcherList } from './matchers';

/** `group_by: ['...']` groups by every label, i.e. turns grouping off. */
export const GROUP_BY_ALL = '...';

const groupByEntry = z.string().refine((name) => name === GROUP_BY_ALL || LABEL_NAME.test(name), {
  error: (issue) =>
    `invalid label name ${JSON.stringify(issue.input)}: use letters, digits and underscores, or '...' alone to group by all labels`,
});

/** Labels that split alerts into notification groups; a set, rendered sorted. */
export const groupBy = z
  .array(groupByEntry)
  .superRefine((names, ctx) => {
    if (names.includes(GROUP_BY_ALL) && names.length > 1) {
      ctx.addIssue({ code: 'custom', message: "'...' already groups by every label: use it alone" });
    }
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    for (const name of new Set(repeated)) {
      ctx.addIssue({ code: 'custom', message: `label ${JSON.stringify(name)} is listed more than once` });
    }
  })
  .transform((names) => [...names].sort(compareText));

/**
 * A route below the root: it matches a subset of alerts and inherits what it does not set. Field order
 * (also for the root) is the order of Alertmanager's documentation and the order routes are rendered in.
 */
export const route = z.strictObject({
  receiver: objectName.optional(),
  group_by: groupBy.optional(),
  /** Keep looking for matching sibling routes after this one matched. */
  continue: z.boolean().optional(),
  matchers: matcherList.optional(),
  group_wait: duration.optional(),
  group_interval: nonZeroDuration.optional(),
  repeat_interval: nonZeroDuration.optional(),
  mute_time_intervals: intervalNames.optional(),
  active_time_intervals: intervalNames.optional(),
  // A getter lets the schema contain itself; a spread anywhere in this literal breaks TS's inference.
  get routes() {
    return z.array(route).optional();
  },
});

const ROOT_MATCHES_ALL = 'the root route takes every alert';

/** Marks a field the root route must not have, with the reason and the fix. */
function notOnRoot(message: string) {
  return z.undefined({ error: `${ROOT_MATCHES_ALL}: ${message}` }).optional();
}

/** The root of the routing tree: it needs a default receiver and matches everything. */
export const rootRoute = z.strictObject({
  receiver: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${ROOT_MATCHES_ALL} and needs a default receiver: set receiver`
          : undefined,
    })
    .pipe(objectName),
  group_by: groupBy.optional(),
  continue: notOnRoot('continue has no siblings to continue to here; remove it'),
  matchers: notOnRoot('move matchers to a route under routes'),
  group_wait: duration.optional(),
  group_interval: nonZeroDuration.optional(),
  repeat_interval: nonZeroDuration.optional(),
  mute_time_intervals: notOnRoot('move mute_time_intervals to a route under routes'),
  active_time_intervals: notOnRoot('move active_time_intervals to a route under routes'),
  routes: z.array(route).optional(),
});

export type RouteInput = z.input<typeof route>;
export type Route = z.output<typeof route>;
export type RootRouteInput = z.input<typeof rootRoute>;
export type RootRoute = z.output<typeof rootRoute>;
