import { RE2JS } from 're2js';
import { z } from 'zod';
import { boundedMemo } from './memo';

/**
 * Why `pattern` would not compile as a Prometheus or Alertmanager regex, or undefined when it would.
 * Both compile with Go's regexp (RE2 syntax); re2js is a port of that engine, so it accepts and refuses
 * what Go does (`(?P<name>…)`, `\Q…\E` and `[[:alpha:]]` yes; look-around, back-references and counts
 * over 1000 no). The matcher tests compare its verdicts with amtool's, the PromQL tests with promtool's.
 */
export function re2Problem(pattern: string): string | undefined {
  return compiled(pattern).problem;
}

/** Whether a valid Go regex, anchored at both ends as Prometheus anchors it, matches `text`. */
export function re2FullMatch(pattern: string, text: string): boolean {
  const { anchored } = compiled(pattern);
  if (!anchored) throw new Error(`not a valid regex: ${pattern}`);
  return anchored.matches(text);
}

function compile(pattern: string): { problem?: string; anchored?: RE2JS } {
  try {
    RE2JS.compile(pattern);
    return { anchored: RE2JS.compile(`^(?s:${pattern})$`) };
  } catch (error) {
    return { problem: (error as Error).message.replace(/^error parsing regexp: /, '') };
  }
}

/**
 * Compiled patterns by source: a generated stack repeats the same few (`5..`) in thousands of
 * expressions, and compiling is the expensive part.
 */
const compiled = boundedMemo(compile, 5_000);

/** A Go RE2 regular expression as Prometheus and Alertmanager take it (fully anchored). */
export const re2 = z.string().superRefine((pattern, ctx) => {
  const problem = re2Problem(pattern);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `invalid regex ${JSON.stringify(pattern)}: ${problem}` });
});
