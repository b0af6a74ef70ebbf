import { z } from 'zod';
import { compareText } from '../errors';
import { goQuotedEnd, goUnquote } from '../go-strings';
import { LABEL_NAME } from '../names';
import { re2Problem } from '../re2';

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  operator: MatchOperator;
  value: string;
}

export type MatcherParse = { ok: true; matcher: Matcher } | { ok: false; error: string };

// Alertmanager's matchers/parse lexer: Go's unicode.IsSpace, and the runes an unquoted token may not hold.
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const RESERVED = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000{}!=~,\\"'`]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const QUOTE_HINT = 'put values with spaces or any of {}!=~,"\'`\\ in double quotes';

/**
 * Parses one matcher such as `severity=~"critical|warning"` the way Alertmanager 0.27+ does in its
 * default mode (the UTF-8 matchers grammar of matchers/parse): a label name, one of = != =~ !~, and a
 * value, each either double-quoted with Go escapes or unquoted without reserved characters. Stricter
 * than Alertmanager in three deliberate ways: one matcher per string (no braces, no commas), so that
 * every list element is one condition; label names must be Prometheus label names, because those are
 * the only names the alerts of this stack carry; and no input that only the classic parser's fallback
 * accepts (such as `a=` or `a==b`), which Alertmanager logs as a warning and plans to drop.
 */
export function parseMatcher(input: string): MatcherParse {
  const fail = (error: string): MatcherParse => ({ ok: false, error });
  const text = input.trim();
  if (text === '')
    return fail('empty matcher: write label="value", label!="value", label=~"re" or label!~"re"');
  if (LONE_SURROGATE.test(input)) return fail('matcher is not valid UTF-8 (lone surrogate)');
  if (text.startsWith('{') || text.endsWith('}')) {
    return fail('write a single matcher such as severity="critical", without braces');
  }
  const lexer = new Lexer(input);

  const nameToken = lexer.token();
  if (!nameToken.ok) return fail(nameToken.error);
  if (nameToken.text === undefined) return fail(`expected a label name at column ${lexer.column()}`);
  const name = nameToken.text;
  if (!LABEL_NAME.test(name)) {
    return fail(
      `invalid label name ${JSON.stringify(name)}: use letters, digits and underscores, not starting with a digit`,
    );
  }

  const operator = lexer.operator();
  if (operator === undefined) {
    return fail(
      `expected an operator =, !=, =~ or !~ after ${JSON.stringify(name)} at column ${lexer.column()}`,
    );
  }

  const valueToken = lexer.token();
  if (!valueToken.ok) return fail(valueToken.error);
  if (valueToken.text === undefined) {
    const found = lexer.peek();
    return fail(
      `expected a value after ${name}${operator} at column ${lexer.column()}` +
        (found === undefined
          ? `: write ${name}${operator}"" to match an empty value`
          : `, found "${found}": ${QUOTE_HINT}`),
    );
  }
  const value = valueToken.text;

  const rest = lexer.peek();
  if (rest === ',') return fail('one matcher per list element: split "a=1, b=2" into two elements');
  if (rest !== undefined) {
    return fail(`unexpected ${JSON.stringify(lexer.remainder())} at column ${lexer.column()}: ${QUOTE_HINT}`);
  }

  if (operator === '=~' || operator === '!~') {
    const problem = re2Problem(value);
    if (problem) return fail(`invalid regular expression ${JSON.stringify(value)}: ${problem}`);
  }
  return { ok: true, matcher: { name, operator, value } };
}

/**
 * The canonical text of a matcher: unquoted name, operator, double-quoted value. Both of Alertmanager's
 * parsers read it the same way, so it never triggers the classic-parser fallback. JSON string escapes
 * are a subset of Go's, which is what Alertmanager unquotes with.
 */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.name}${matcher.operator}${JSON.stringify(matcher.value)}`;
}

type Token = { ok: true; text: string | undefined } | { ok: false; error: string };

/** A cursor over one matcher: skips white space, reads tokens, reports 1-based columns. */
class Lexer {
  private pos = 0;

  constructor(private readonly input: string) {}

  column(): number {
    return [...this.input.slice(0, this.pos)].length + 1;
  }

  /** The next character after white space, without consuming it. */
  peek(): string | undefined {
    this.skipSpace();
    return this.pos < this.input.length ? this.input[this.pos] : undefined;
  }

  /** The unread rest of the input, for error messages. */
  remainder(): string {
    return this.input.slice(this.pos).trimEnd();
  }

  /** A quoted or unquoted token; text is undefined when the next character cannot start one. */
  token(): Token {
    const first = this.peek();
    if (first === undefined) return { ok: true, text: undefined };
    if (first === '"') return this.quoted();
    if (RESERVED.test(first)) return { ok: true, text: undefined };
    const start = this.pos;
    while (this.pos < this.input.length && !RESERVED.test(this.input[this.pos])) this.pos += 1;
    return { ok: true, text: this.input.slice(start, this.pos) };
  }

  operator(): MatchOperator | undefined {
    const first = this.peek();
    const second = this.input[this.pos + 1];
    if (first === '=') {
      this.pos += second === '~' ? 2 : 1;
      return second === '~' ? '=~' : '=';
    }
    if (first === '!' && (second === '=' || second === '~')) {
      this.pos += 2;
      return second === '=' ? '!=' : '!~';
    }
    return undefined;
  }

  private quoted(): Token {
    const startColumn = this.column();
    const start = this.pos;
    const end = goQuotedEnd(this.input, start);
    if (end === -1) {
      this.pos = this.input.length;
      return { ok: false, error: `missing closing " for the string starting at column ${startColumn}` };
    }
    this.pos = end;
    const unquoted = goUnquote(this.input.slice(start + 1, this.pos - 1));
    if (typeof unquoted !== 'string') {
      return { ok: false, error: `${unquoted.error} in the string starting at column ${startColumn}` };
    }
    return { ok: true, text: unquoted };
  }

  private skipSpace(): void {
    while (this.pos < this.input.length && SPACE.test(this.input[this.pos])) this.pos += 1;
  }
}

/** One matcher string, checked and rewritten into its canonical form. */
export const matcher = z.string().transform((text, ctx) => {
  const parsed = parseMatcher(text);
  if (parsed.ok) return formatMatcher(parsed.matcher);
  ctx.addIssue({ code: 'custom', message: `invalid matcher ${JSON.stringify(text)}: ${parsed.error}` });
  return z.NEVER;
});

/**
 * Matchers of a route or inhibit rule. They all must hold (AND), so their order carries no meaning:
 * they are rendered sorted and without repeats, which keeps the file independent of input order.
 */
export const matcherList = z.array(matcher).transform((list) => [...new Set(list)].sort(compareText));
