import { z } from 'zod';
import { objectName } from '../names';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const CLOCK = /^(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$/;
const INTEGER = /^-?[0-9]+$/;

/** Minutes since midnight of `HH:MM` (24:00 allowed as an end), or undefined when it is not one. */
function clockMinutes(text: string): number | undefined {
  const match = CLOCK.exec(text);
  if (!match) return undefined;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

const clock = z.string().refine((text) => clockMinutes(text) !== undefined, {
  error: (issue) => `invalid time ${JSON.stringify(issue.input)}: write HH:MM from 00:00 to 24:00`,
});

const timeRange = z
  .strictObject({ start_time: clock, end_time: clock })
  .refine((range) => clockMinutes(range.start_time)! < clockMinutes(range.end_time)!, {
    path: ['end_time'],
    error:
      'end_time must be after start_time; a range over midnight is two ranges (22:00-24:00 and 00:00-06:00)',
  });

/** Splits `a` or `a:b` into its bounds, each mapped by `member`; a string error names the problem. */
function parseRange(text: string, member: (part: string) => number | undefined): [number, number] | string {
  const parts = text.toLowerCase().split(':');
  if (parts.length > 2) return 'write a single value or one start:end range';
  const bounds = parts.map(member);
  if (bounds.some((bound) => bound === undefined)) return 'unknown value';
  return [bounds[0]!, bounds[bounds.length - 1]!];
}

/**
 * A range field of a time interval (`monday:friday`, `1:5`, `january:march`), checked with
 * Alertmanager's own rules and rewritten in lower case, the form it documents.
 */
function rangeField(what: string, help: string, check: (text: string) => string | undefined) {
  return z
    .string()
    .superRefine((text, ctx) => {
      const problem = check(text);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          message: `invalid ${what} ${JSON.stringify(text)}: ${problem}; ${help}`,
        });
    })
    .transform((text) => text.toLowerCase());
}

const weekday = rangeField('weekday range', 'write monday, or monday:friday (sunday first)', (text) => {
  const range = parseRange(text, (part) => (WEEKDAYS.includes(part) ? WEEKDAYS.indexOf(part) : undefined));
  if (typeof range === 'string') return range;
  return range[0] > range[1]
    ? 'the start day comes after the end day; split a range over sunday in two'
    : undefined;
});

const dayOfMonth = rangeField(
  'day-of-month range',
  'write 1:5, 15 or -3:-1 (negative counts from the month end)',
  (text) => {
    const range = parseRange(text, (part) => (INTEGER.test(part) ? Number(part) : undefined));
    if (typeof range === 'string') return range;
    const [begin, end] = range;
    if ([begin, end].some((day) => day === 0 || day < -31 || day > 31))
      return 'days are 1 to 31 or -31 to -1';
    if (begin < 0 && end > 0) return 'a negative start day needs a negative end day';
    // Alertmanager's own check: with the shortest month (28 days) the range must not be empty.
    const [from, to] = [begin < 0 ? 28 + begin : begin, end < 0 ? 28 + end : end];
    return from > to ? 'the end day is always before the start day' : undefined;
  },
);

const month = rangeField('month range', 'write january:march, 1:3 or december', (text) => {
  const range = parseRange(text, (part) => {
    if (MONTHS.includes(part)) return MONTHS.indexOf(part) + 1;
    return INTEGER.test(part) && Number(part) >= 1 && Number(part) <= 12 ? Number(part) : undefined;
  });
  if (typeof range === 'string') return range;
  return range[0] > range[1] ? 'the end month is before the start month' : undefined;
});

const year = rangeField('year range', 'write 2025 or 2025:2027', (text) => {
  const range = parseRange(text, (part) =>
    /^[0-9]+$/.test(part) && Number(part) >= 1 ? Number(part) : undefined,
  );
  if (typeof range === 'string') return range;
  return range[0] > range[1] ? 'the end year is before the start year' : undefined;
});

/**
 * Whether Go's time.LoadLocation would find a zone. Intl knows the same IANA database, but matches
 * names case-insensitively where Go reads files by exact name, so the case is checked on its own.
 */
function locationProblem(name: string): string | undefined {
  if (name === 'Local' || name === 'UTC') return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return 'unknown time zone: write an IANA name such as Europe/Berlin, or UTC';
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return `write it as ${resolved}`;
  if (name.split('/').some((part) => !/^[A-Z]/.test(part)))
    return 'IANA names are case-sensitive (Europe/Berlin)';
  return undefined;
}

const location = z.string().superRefine((name, ctx) => {
  const problem = locationProblem(name);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `invalid location ${JSON.stringify(name)}: ${problem}` });
});

/** A list field of an interval; an empty list would make Alertmanager match nothing at all. */
function someOf<T extends z.ZodType>(item: T, field: string, every: string) {
  return z
    .array(item)
    .min(1, { error: `an empty ${field} list never matches: leave ${field} out to match every ${every}` });
}

/** When an interval holds: every given field must match (AND); values inside one field are OR. */
export const timeIntervalSpec = z.strictObject({
  times: someOf(timeRange, 'times', 'time of day').optional(),
  weekdays: someOf(weekday, 'weekdays', 'day').optional(),
  days_of_month: someOf(dayOfMonth, 'days_of_month', 'day').optional(),
  months: someOf(month, 'months', 'month').optional(),
  years: someOf(year, 'years', 'year').optional(),
  /** Time zone the other fields are read in; UTC when unset. */
  location: location.optional(),
});

/** A named time interval that routes mute or activate by name. */
export const timeInterval = z.strictObject({
  name: objectName,
  time_intervals: z.array(timeIntervalSpec).min(1, {
    error: 'an interval without entries never holds: add at least one entry ({} holds always)',
  }),
});

export type TimeIntervalSpecInput = z.input<typeof timeIntervalSpec>;
export type TimeIntervalInput = z.input<typeof timeInterval>;
export type TimeInterval = z.output<typeof timeInterval>;
