import type { z } from 'zod';
import { formatPath, ValidationError, type ValidationIssue } from './errors';

/** Issues of a zod parse, each with the path formatted through the input (named array elements). */
export function zodIssues(error: z.ZodError, input: unknown, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(input, issue.path, prefix),
    message: describeIssue(issue),
  }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}: check the spelling against the documented fields`;
  }
  // A bad record key carries the key's own issues inside; its message is the useful one.
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues[0].message;
  return issue.message;
}

/**
 * Parses input with a schema and returns the typed, normalised value, or throws a ValidationError with
 * every problem, each named by its path below `prefix`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(zodIssues(result.error, input, prefix));
  return result.data;
}
