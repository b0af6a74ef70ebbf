import { z } from 'zod';

/** Letters RE2 accepts after a backslash; any other letter escape is a compile error in Go. */
const RE2_LETTER_ESCAPES = new Set('aftnrvdDsSwWbBAzpPQECx');
/** RE2 refuses repetition counts above this. */
const RE2_MAX_REPEAT = 1000;
const FLAG_GROUP = /^\(\?(?:[imsU]+(?:-[imsU]+)?|-[imsU]+)\)|^\(\?[imsU]*(?:-[imsU]+)?:/;
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

/**
 * Why `pattern` would not compile as a Prometheus or Alertmanager regex, or undefined when it would.
 *
 * Alertmanager compiles these with Go's RE2 as `^(?:pattern)$`. There is no RE2 in this process, so the
 * check is RE2-ish: JavaScript's RegExp (non-unicode mode, whose escape rules are the closest to RE2's)
 * compiles the pattern after the RE2 syntax JS lacks is rewritten (`(?i)` flag groups, `(?P<name>`,
 * `\Q…\E`), and the JS syntax RE2 lacks is rejected first (look-around, back-references, unknown letter
 * escapes, counts over 1000). Engines still differ at the edges, so amtool check-config has the last
 * word; the tests compare verdicts with it. Prometheus (relabelling) and Alertmanager (matchers) share it.
 */
export function re2Problem(pattern: string): string | undefined {
  const translated = translate(pattern);
  if (typeof translated !== 'string') return translated.problem;
  try {
    new RegExp(`^(?:${translated})$`);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '').toLowerCase();
  }
}

/** Rewrites an RE2 pattern into JS syntax with the same structure, or names the RE2-only problem. */
function translate(pattern: string): string | { problem: string } {
  let out = '';
  let inClass = false;
  let classStart = 0;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { problem: 'trailing backslash at end of expression' };
      if (next >= '1' && next <= '9') {
        return { problem: `back-reference \\${next} is not supported by RE2` };
      }
      if (/[a-zA-Z]/.test(next) && !RE2_LETTER_ESCAPES.has(next)) {
        return { problem: `invalid escape sequence \\${next}: RE2 does not know it` };
      }
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end === -1 ? pattern.length : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? pattern.length : end + 2;
        continue;
      }
      out += ch + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === '[' && pattern[i + 1] === ':') {
        // A POSIX class such as [:alpha:] inside a bracket expression; its `]` does not close the class.
        const end = pattern.indexOf(':]', i + 2);
        if (end !== -1) {
          out += pattern.slice(i, end + 2);
          i = end + 2;
          continue;
        }
      }
      // In RE2 a `]` right after `[` or `[^` is a literal; JS would read `[]` as an empty class.
      if (ch === ']' && i > classStart) inClass = false;
      out += ch === ']' && i === classStart ? '\\]' : ch;
      i += 1;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      classStart = pattern[i + 1] === '^' ? i + 2 : i + 1;
      out += pattern.slice(i, classStart);
      i = classStart;
      continue;
    }
    if (ch === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i);
      if (/^\(\?<?[=!]/.test(rest)) return { problem: 'look-around assertions are not supported by RE2' };
      if (rest.startsWith('(?P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      const flags = FLAG_GROUP.exec(rest);
      if (flags) {
        // Flags change matching, not structure: (?i) becomes an empty group, (?i: a plain group.
        out += flags[0].endsWith(')') ? '(?:)' : '(?:';
        i += flags[0].length;
        continue;
      }
    }
    if (ch === '{') {
      const repeat = REPEAT.exec(pattern.slice(i));
      if (repeat && [repeat[1], repeat[2]].some((n) => n !== undefined && Number(n) > RE2_MAX_REPEAT)) {
        return { problem: `invalid repeat count ${repeat[0]}: RE2 allows at most ${RE2_MAX_REPEAT}` };
      }
    }
    out += ch;
    i += 1;
  }
  return out;
}

/** A Go RE2 regular expression as Prometheus and Alertmanager take it (fully anchored). */
export const re2 = z.string().superRefine((pattern, ctx) => {
  const problem = re2Problem(pattern);
  if (problem)
    ctx.addIssue({ code: 'custom', message: `invalid regex ${JSON.stringify(pattern)}: ${problem}` });
});
