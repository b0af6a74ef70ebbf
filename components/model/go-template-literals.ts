/**
 * The literal checks Go's template parser leaves to strconv and fmt: string literals
 * (strconv.Unquote), character constants (strconv.UnquoteChar) and numbers (strconv.ParseUint,
 * ParseInt, ParseFloat and fmt.Sscan for complex constants), in the order node.go's newNumber tries
 * them. Each returns Go's error message, or undefined when Go accepts the literal.
 */
import { goQuote } from './go-template-lexer';

/** strconv's own message is all Go prints; the detail in parentheses says what to fix. */
const INVALID_SYNTAX = 'invalid syntax';

/** A quoted ("...") or raw (`...`) string literal as the lexer delimited it, quotes included. */
export function stringLiteralError(literal: string): string | undefined {
  if (literal.startsWith('`')) return undefined; // raw strings hold anything but a backquote
  const body = literal.slice(1, -1);
  for (let i = 0; i < body.length;) {
    if (body[i] !== '\\') {
      i += 1;
      continue;
    }
    const escape = readEscape(body, i, '"');
    if (typeof escape === 'string') return `${INVALID_SYNTAX} (${escape} in ${literal})`;
    i = escape;
  }
  return undefined;
}

/** A character constant such as 'a' or '\n', quotes included. */
export function charConstantError(literal: string): string | undefined {
  const body = literal.slice(1);
  let end: number;
  if (body.startsWith("'")) return `${INVALID_SYNTAX} (an empty character constant)`;
  if (body.startsWith('\\')) {
    const escape = readEscape(body, 0, "'");
    if (typeof escape === 'string') return `${INVALID_SYNTAX} (${escape} in ${literal})`;
    end = escape;
  } else {
    end = body.codePointAt(0)! > 0xffff ? 2 : 1;
  }
  if (body.slice(end) !== "'") return `malformed character constant: ${literal}`;
  return undefined;
}

const SIMPLE_ESCAPES = 'abfnrtv\\';
const HEX_ESCAPE_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** Reads the escape at `text[at]` (a backslash) as strconv.UnquoteChar does: its end, or what is wrong. */
function readEscape(text: string, at: number, quote: string): number | string {
  const kind = text[at + 1] ?? '';
  if (SIMPLE_ESCAPES.includes(kind) && kind !== '') return at + 2;
  if (kind === quote) return at + 2; // \" only in strings, \' only in character constants
  if (kind in HEX_ESCAPE_DIGITS) {
    const digits = text.slice(at + 2, at + 2 + HEX_ESCAPE_DIGITS[kind]);
    if (!new RegExp(`^[0-9a-fA-F]{${HEX_ESCAPE_DIGITS[kind]}}$`).test(digits))
      return `bad escape \\${kind}${digits}`;
    const value = parseInt(digits, 16);
    if (kind !== 'x' && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)))
      return `\\${kind}${digits} is not a valid character`;
    return at + 2 + digits.length;
  }
  if (kind >= '0' && kind <= '7') {
    const digits = text.slice(at + 1, at + 4);
    if (!/^[0-7]{3}$/.test(digits)) return `bad octal escape \\${digits}`;
    if (parseInt(digits, 8) > 0o377) return `octal escape \\${digits} is above \\377`;
    return at + 4;
  }
  return `unknown escape \\${kind}`;
}

/** A number item: decimal, hex, octal or binary integers, floats, imaginary constants. */
export function numberError(text: string): string | undefined {
  if (text.endsWith('i') && parseFloat64(text.slice(0, -1)) !== undefined) return undefined;
  if (parseUint64(text) || parseInt64(text)) return undefined;
  if (parseFloat64(text) !== undefined) {
    // A float that looks like an integer is one too large for 64 bits.
    if (!/[.eEpP]/.test(text)) return `integer overflow: ${goQuote(text)}`;
    return undefined;
  }
  return `illegal number syntax: ${goQuote(text)}`;
}

/** A complex constant such as 1+2i, as fmt.Sscan reads it into a complex128. */
export function complexError(text: string): string | undefined {
  const scanner = new RuneScanner(text);
  const real = scanner.floatToken();
  if (!scanner.accept('+-')) return COMPLEX_SCAN_ERROR;
  const imaginary = text[scanner.at - 1] + scanner.floatToken();
  if (!scanner.accept('i')) return COMPLEX_SCAN_ERROR;
  for (const part of [real, imaginary]) {
    if (!sscanFloat(part)) return `strconv.ParseFloat: parsing ${goQuote(part)}: ${INVALID_SYNTAX}`;
  }
  return undefined;
}

const COMPLEX_SCAN_ERROR = 'syntax error scanning complex number';

/** fmt's scanner: reads runes from a fixed set, the way ss.floatToken does. */
class RuneScanner {
  at = 0;
  constructor(private readonly text: string) {}

  accept(valid: string): boolean {
    const ch = this.text[this.at];
    if (ch === undefined || !valid.includes(ch)) return false;
    this.at += 1;
    return true;
  }

  floatToken(): string {
    const from = this.at;
    if (this.accept('nN') && this.accept('aA') && this.accept('nN')) return this.text.slice(from, this.at);
    this.accept('+-');
    if (this.accept('iI') && this.accept('nN') && this.accept('fF')) return this.text.slice(from, this.at);
    let digits = '0123456789_';
    let exponent = 'eEpP';
    if (this.accept('0') && this.accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exponent = 'pP';
    }
    while (this.accept(digits));
    if (this.accept('.')) while (this.accept(digits));
    if (this.accept(exponent)) {
      this.accept('+-');
      while (this.accept('0123456789_'));
    }
    return this.text.slice(from, this.at);
  }
}

/** fmt's convertFloat: a `p` exponent after a decimal (not hex) mantissa is fmt's own extension. */
function sscanFloat(text: string): boolean {
  const p = text.indexOf('p');
  if (p < 0 || /[xX]/.test(text)) return parseFloat64(text) !== undefined;
  return parseFloat64(text.slice(0, p)) !== undefined && /^[+-]?[0-9]+$/.test(text.slice(p + 1));
}

/** strconv.ParseUint(text, 0, 64) succeeds. */
function parseUint64(text: string): boolean {
  const value = parseUnsigned(text);
  return value !== undefined && value <= 0xffff_ffff_ffff_ffffn;
}

/** strconv.ParseInt(text, 0, 64) succeeds. */
function parseInt64(text: string): boolean {
  const negative = text.startsWith('-');
  const value = parseUnsigned(/^[+-]/.test(text) ? text.slice(1) : text);
  if (value === undefined) return false;
  return negative ? value <= 0x8000_0000_0000_0000n : value < 0x8000_0000_0000_0000n;
}

/** ParseUint's syntax with base 0: 0b, 0o, 0x or a leading 0 (octal) picks the base; no sign. */
function parseUnsigned(text: string): bigint | undefined {
  if (text === '') return undefined;
  let base = 10;
  let digits = text;
  if (text[0] === '0') {
    const prefix = text.length >= 3 ? text[1].toLowerCase() : '';
    base = prefix === 'b' ? 2 : prefix === 'o' ? 8 : prefix === 'x' ? 16 : 8;
    digits = text.slice(prefix === 'b' || prefix === 'o' || prefix === 'x' ? 2 : 1);
  }
  let value = 0n;
  for (const ch of digits) {
    if (ch === '_') continue;
    const digit = parseInt(ch, 36);
    if (Number.isNaN(digit) || digit >= base) return undefined;
    value = value * BigInt(base) + BigInt(digit);
  }
  if (digits.includes('_') && !underscoreOK(text)) return undefined;
  return value;
}

/** strconv.ParseFloat(text, 64) (its readFloat): the value, or undefined on a syntax error or an overflow. */
function parseFloat64(text: string): number | undefined {
  let i = /^[+-]/.test(text) ? 1 : 0;
  const hex = i + 2 < text.length && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X');
  if (hex) i += 2;
  let mantissa = '';
  let fractionDigits = 0;
  let sawDot = false;
  let underscores = false;
  for (; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '_') underscores = true;
    else if (ch === '.' && !sawDot) sawDot = true;
    else if (isDecimalDigit(ch) || (hex && /^[a-fA-F]$/.test(ch))) {
      mantissa += ch;
      if (sawDot) fractionDigits += 1;
    } else break;
  }
  if (mantissa === '') return undefined;
  let exponent = 0;
  if (i < text.length && text[i].toLowerCase() === (hex ? 'p' : 'e')) {
    i += 1;
    const negative = text[i] === '-';
    if (text[i] === '+' || text[i] === '-') i += 1;
    if (!isDecimalDigit(text[i] ?? '')) return undefined;
    for (; i < text.length && (isDecimalDigit(text[i]) || text[i] === '_'); i += 1) {
      if (text[i] === '_') underscores = true;
      else if (exponent < 10000) exponent = exponent * 10 + Number(text[i]);
    }
    if (negative) exponent = -exponent;
  } else if (hex) {
    return undefined; // a hex mantissa needs a p exponent
  }
  if (i !== text.length) return undefined;
  if (underscores && !underscoreOK(text)) return undefined;
  const value = hex
    ? hexFloatValue(mantissa, fractionDigits, exponent)
    : Number(`${mantissa}e${exponent - fractionDigits}`);
  return Number.isFinite(value) ? value : undefined;
}

function isDecimalDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function hexFloatValue(digits: string, fractionDigits: number, exponent: number): number {
  const mantissa = BigInt(`0x${digits}`);
  const binaryExponent = exponent - 4 * fractionDigits;
  if (mantissa === 0n) return 0;
  // Past 2^1024 the value is infinite whatever the rounding; avoid Number(mantissa) overflowing first.
  if (mantissa.toString(2).length + binaryExponent > 1025) return Infinity;
  return Number(mantissa) * 2 ** binaryExponent;
}

/** Underscores may only separate digits, or a base prefix from a digit (strconv's underscoreOK). */
function underscoreOK(text: string): boolean {
  let s = /^[+-]/.test(text) ? text.slice(1) : text;
  let saw = '^';
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    hex = s[1].toLowerCase() === 'x';
    s = s.slice(2);
    saw = '0';
  }
  for (const ch of s) {
    if ((ch >= '0' && ch <= '9') || (hex && /[a-fA-F]/.test(ch))) {
      saw = '0';
      continue;
    }
    if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}
