/**
 * Go's quoted string literals, as Alertmanager reads matcher values (strconv.Unquote), as Go templates
 * write them (`printf "%q"`) and as PromQL's lexer reads its double- and single-quoted strings.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * The body of a Go double-quoted string literal (strconv.Unquote). Octal and \x escapes above 0x7f are
 * single bytes in Go, which a JS string cannot hold: refused by default (a \u escape says the same
 * thing), or taken as Latin-1 with `rawBytes: 'latin1'`, where a text only has to be read back (`%q`
 * writes invalid UTF-8 that way).
 */
export function goUnquote(
  body: string,
  options: { rawBytes?: 'refuse' | 'latin1'; quote?: '"' | "'" } = {},
): string | { error: string } {
  // A single-quoted string (PromQL has them) escapes its own quote and not the double one.
  const quote = options.quote ?? '"';
  if (body.includes('\n')) return { error: 'a quoted string may not contain a line break: write \\n' };
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] !== '\\') {
      out += body[i];
      continue;
    }
    const kind = body[i + 1];
    if (kind === quote || (kind in SIMPLE_ESCAPES && kind !== '"')) {
      out += kind === quote ? quote : SIMPLE_ESCAPES[kind];
      i += 1;
      continue;
    }
    const digits =
      kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : kind >= '0' && kind <= '7' ? 3 : undefined;
    if (digits === undefined) return { error: `invalid escape \\${kind ?? ''}` };
    const start = kind >= '0' && kind <= '7' ? i + 1 : i + 2;
    const code = body.slice(start, start + digits);
    const valid = kind >= '0' && kind <= '7' ? /^[0-7]{3}$/.test(code) : /^[0-9a-fA-F]+$/.test(code);
    if (code.length !== digits || !valid)
      return { error: `invalid escape \\${body.slice(i + 1, start + digits)}` };
    const value = parseInt(code, kind >= '0' && kind <= '7' ? 8 : 16);
    if ((kind === 'x' || (kind >= '0' && kind <= '7')) && value > 0x7f && options.rawBytes !== 'latin1') {
      const hex = value.toString(16).padStart(4, '0');
      return { error: `escape \\${body.slice(i + 1, start + digits)} is a raw byte: write \\u${hex}` };
    }
    if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
      return { error: `escape \\${body.slice(i + 1, start + digits)} is not a valid character` };
    }
    out += String.fromCodePoint(value);
    i = start + digits - 1;
  }
  return out;
}

/**
 * The index just past the closing quote of the Go double-quoted literal that starts at `start`, or -1
 * when there is no literal there or it never closes.
 */
export function goQuotedEnd(text: string, start: number): number {
  if (text[start] !== '"') return -1;
  let escaped = false;
  for (let i = start + 1; i < text.length; i += 1) {
    const ch = text[i];
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === '"') return i + 1;
  }
  return -1;
}
