import type { z } from 'zod';
import { IssueCollector } from '../errors';
import { zodIssues } from '../validate';
import { alertmanagerConfig, type AlertmanagerConfig } from './config';
import { crossReferenceIssues } from './references';

/**
 * Validates an Alertmanager config and returns it normalised (canonical matchers, sorted sets and
 * maps, fields in rendering order). Throws one ValidationError listing every problem, field checks
 * and cross-references alike, each under its path below `prefix`.
 */
export function validateAlertmanagerConfig(input: unknown, prefix = ''): AlertmanagerConfig {
  const issues = new IssueCollector();
  const parsed = alertmanagerConfig.safeParse(input);
  if (!parsed.success) issues.addAll(zodIssues(explainMissing(parsed.error, input), input, prefix));
  issues.addAll(crossReferenceIssues(input, prefix));
  issues.throwIfAny();
  return parsed.data!;
}

/**
 * Rewrites zod's "expected string, received undefined" for an absent field into "missing: set <field>",
 * keeping a schema's own explanation when it has one.
 */
function explainMissing(error: z.ZodError, input: unknown): z.ZodError {
  for (const issue of error.issues) {
    const key = issue.path[issue.path.length - 1];
    if (key === undefined || issue.message.startsWith('missing')) continue;
    if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union') continue;
    const parent = valueAt(input, issue.path.slice(0, -1));
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) continue;
    if ((parent as Record<PropertyKey, unknown>)[key] !== undefined) continue;
    (issue as { message: string }).message = issue.message.startsWith('Invalid input')
      ? `missing: set ${String(key)}`
      : `missing: set ${String(key)}; it ${issue.message}`;
  }
  return error;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}
