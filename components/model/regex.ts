import { z } from 'zod';

/**
 * Whether a pattern compiles as a regular expression. Prometheus and Alertmanager use Go's RE2; JavaScript's
 * engine accepts a superset of RE2's syntax except for named groups spelled `(?P<name>`, which are
 * rewritten first. Features JS has and RE2 lacks (look-around, back-references) are rejected explicitly
 * so that a pattern accepted here is also accepted by the Go tools.
 */
export function regexError(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'look-around assertions are not supported by Prometheus (RE2)';
  if (/\\[1-9]/.test(pattern)) return 'back-references are not supported by Prometheus (RE2)';
  try {
    new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})$`, 'u');
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** A Go RE2 regular expression as Prometheus and Alertmanager take it (fully anchored). */
export const re2 = z.string().superRefine((pattern, ctx) => {
  const problem = regexError(pattern);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `invalid regex ${JSON.stringify(pattern)}: ${problem}` });
});
