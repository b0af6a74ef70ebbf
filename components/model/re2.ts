import { RE2JS } from 're2js';
import { z } from 'zod';

/**
 * Why `pattern` would not compile as a Prometheus or Alertmanager regex, or undefined when it would.
 * Both compile with Go's regexp (RE2 syntax); re2js is a port of that engine, so it accepts and refuses
 * what Go does (`(?P<name>…)`, `\Q…\E` and `[[:alpha:]]` yes; look-around, back-references and counts
 * over 1000 no). The matcher tests compare its verdicts with amtool's, the PromQL tests with promtool's.
 */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/** Whether a Go regex, anchored at both ends as Prometheus and Alertmanager anchor it, matches `text`. */
export function re2FullMatch(pattern: string, text: string): boolean {
  return RE2JS.compile(`^(?s:${pattern})$`).matches(text);
}

/** A Go RE2 regular expression as Prometheus and Alertmanager take it (fully anchored). */
export const re2 = z.string().superRefine((pattern, ctx) => {
  const problem = re2Problem(pattern);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `invalid regex ${JSON.stringify(pattern)}: ${problem}` });
});
