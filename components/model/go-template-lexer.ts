/**
 * The lexer of Go's text/template/parse (lex.go), ported state for state so that the checker in
 * go-template.ts meets every text in the order Go meets it and stops where Go stops. Positions are
 * offsets in the JavaScript string (UTF-16 code units), not bytes.
 */

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | KeywordType;

type KeywordType =
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

const KEYWORDS: ReadonlyMap<string, KeywordType> = new Map([
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['nil', 'nil'],
  ['range', 'range'],
  ['template', 'template'],
  ['with', 'with'],
]);
/** Item types Go prints as `<word>`; dot is one, spelled "." (lexFieldOrVariable makes it). */
const KEYWORD_TYPES: ReadonlySet<ItemType> = new Set([...KEYWORDS.values(), 'dot']);

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
}

/** How Go prints an item in "unexpected X in Y" messages (item.String in lex.go). */
export function describeItem(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (KEYWORD_TYPES.has(item.type)) return `<${item.val}>`;
  const runes = [...item.val];
  if (runes.length > 10) return `${goQuote(runes.slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

/** Close enough to strconv.Quote for messages: JSON escapes, minus its \u00XX for control bytes. */
export function goQuote(text: string): string {
  return JSON.stringify(text).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => `\\x${hex}`);
}

/** Go's %#U: `U+0041 'A'`, without the quoted rune unless strconv.IsPrint (L, M, N, P, S, ASCII space). */
export function describeRune(rune: number): string {
  const code = `U+${rune.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(String.fromCodePoint(rune));
  return printable ? `${code} '${String.fromCodePoint(rune)}'` : code;
}

const EOF = -1;
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
/** A trim marker is `-` plus one ASCII space, so that `{{-3}}` stays the number -3. */
const TRIM_MARKER_LENGTH = 2;
const SPACE_CHARS = ' \t\r\n';

type StateFn = (l: Lexer) => StateFn | null;

/** Internal to the checker: the state functions below read and move its fields directly, as Go's do. */
export class Lexer {
  pos = 0;
  start = 0;
  parenDepth = 0;
  insideAction = false;
  private atEOF = false;
  private failed = false;
  private item: Item = { type: 'eof', pos: 0, val: 'EOF' };

  constructor(readonly input: string) {}

  /** The next item; after an error item every further call gives EOF, as in Go. */
  nextItem(): Item {
    if (this.failed) return { type: 'eof', pos: 0, val: 'EOF' };
    this.item = { type: 'eof', pos: this.pos, val: 'EOF' };
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.item;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const rune = this.input.codePointAt(this.pos)!;
    this.pos += rune > 0xffff ? 2 : 1;
    return rune;
  }

  peek(): number {
    const rune = this.next();
    this.backup();
    return rune;
  }

  /** Steps back one rune; a no-op once EOF was read, exactly like Go's (its state functions rely on it). */
  backup(): void {
    if (this.atEOF || this.pos === 0) return;
    const low = this.input.charCodeAt(this.pos - 1);
    const high = this.pos >= 2 ? this.input.charCodeAt(this.pos - 2) : 0;
    const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
    this.pos -= pair ? 2 : 1;
  }

  emit(type: ItemType): null {
    return this.emitItem(this.thisItem(type));
  }

  emitItem(item: Item): null {
    this.item = item;
    return null;
  }

  thisItem(type: ItemType): Item {
    const item = { type, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
    return item;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    const rune = this.next();
    if (rune !== EOF && valid.includes(String.fromCodePoint(rune))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  errorf(message: string): null {
    this.item = { type: 'error', pos: this.start, val: message };
    this.failed = true;
    return null;
  }

  startsWith(text: string, at = this.pos): boolean {
    return this.input.startsWith(text, at);
  }

  /** Whether an identifier may end here: it breaks `.X.Y` into two pieces and refuses `$x+2`. */
  atTerminator(): boolean {
    const rune = this.peek();
    if (isSpace(rune)) return true;
    if (rune === EOF || '.,|:)('.includes(String.fromCodePoint(rune))) return true;
    return this.startsWith(RIGHT_DELIM);
  }

  /** Whether the lexer is at a right delimiter, possibly preceded by a trim marker. */
  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (
      hasRightTrimMarker(this.input, this.pos) &&
      this.startsWith(RIGHT_DELIM, this.pos + TRIM_MARKER_LENGTH)
    )
      return { delim: true, trimSpaces: true };
    return { delim: this.startsWith(RIGHT_DELIM), trimSpaces: false };
  }
}

function lexText(l: Lexer): StateFn | null {
  const found = l.input.indexOf(LEFT_DELIM, l.pos);
  if (found >= 0) {
    if (found > l.pos) {
      l.pos = found;
      const trimLength = hasLeftTrimMarker(l.input, l.pos + LEFT_DELIM.length)
        ? rightTrimLength(l.input.slice(l.start, l.pos))
        : 0;
      l.pos -= trimLength;
      const text = l.thisItem('text');
      l.pos += trimLength;
      l.ignore();
      if (text.val.length > 0) return l.emitItem(text);
    }
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) return l.emit('text');
  return l.emit('eof');
}

function lexLeftDelim(l: Lexer): StateFn | null {
  l.pos += LEFT_DELIM.length;
  const afterMarker = hasLeftTrimMarker(l.input, l.pos) ? TRIM_MARKER_LENGTH : 0;
  if (l.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const delim = l.thisItem('leftDelim');
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(delim);
}

/** Comments are dropped, as text/template parses without ParseComments. */
function lexComment(l: Lexer): StateFn | null {
  l.pos += LEFT_COMMENT.length;
  const end = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (end < 0) return l.errorf('unclosed comment');
  l.pos = end + RIGHT_COMMENT.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (trimSpaces) l.pos += TRIM_MARKER_LENGTH;
  l.pos += RIGHT_DELIM.length;
  if (trimSpaces) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn | null {
  const { trimSpaces } = l.atRightDelim();
  if (trimSpaces) {
    l.pos += TRIM_MARKER_LENGTH;
    l.ignore();
  }
  l.pos += RIGHT_DELIM.length;
  const delim = l.thisItem('rightDelim');
  if (trimSpaces) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(delim);
}

const SINGLE_CHAR_ITEMS: Readonly<Record<string, ItemType>> = { '=': 'assign', '|': 'pipe' };

function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const rune = l.next();
  if (rune === EOF) return l.errorf('unclosed action');
  if (isSpace(rune)) {
    l.backup(); // the space may start a " -}}"
    return lexSpace;
  }
  const ch = String.fromCodePoint(rune);
  if (ch === '=' || ch === '|') return l.emit(SINGLE_CHAR_ITEMS[ch]);
  if (ch === ':') {
    if (l.next() !== code('=')) return l.errorf('expected :=');
    return l.emit('declare');
  }
  if (ch === '"') return lexQuote;
  if (ch === '`') return lexRawQuote;
  if (ch === '$') return lexVariable;
  if (ch === "'") return lexChar;
  if (ch === '.' && l.pos < l.input.length && !isDecimalDigit(l.input[l.pos])) return lexField;
  if (ch === '.' || ch === '+' || ch === '-' || isDecimalDigit(ch)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(rune)) {
    l.backup();
    return lexIdentifier;
  }
  if (ch === '(') {
    l.parenDepth += 1;
    return l.emit('leftParen');
  }
  if (ch === ')') {
    l.parenDepth -= 1;
    if (l.parenDepth < 0) return l.errorf('unexpected right paren');
    return l.emit('rightParen');
  }
  if (rune > 0x20 && rune < 0x7f) return l.emit('char');
  return l.errorf(`unrecognized character in action: ${describeRune(rune)}`);
}

function lexSpace(l: Lexer): StateFn | null {
  let spaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    spaces += 1;
  }
  // A trim-marked right delimiter starts with a space: leave that space to it.
  const lastSpace = l.pos - 1;
  if (hasRightTrimMarker(l.input, lastSpace) && l.startsWith(RIGHT_DELIM, lastSpace + TRIM_MARKER_LENGTH)) {
    l.backup();
    if (spaces === 1) return lexRightDelim;
  }
  return l.emit('space');
}

function lexIdentifier(l: Lexer): StateFn | null {
  let rune = l.next();
  while (isAlphaNumeric(rune)) rune = l.next();
  l.backup();
  const word = l.input.slice(l.start, l.pos);
  if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(rune)}`);
  // break and continue are keywords unless a function takes the name; neither function set does.
  const keyword = KEYWORDS.get(word);
  if (keyword) return l.emit(keyword);
  if (word === 'true' || word === 'false') return l.emit('bool');
  return l.emit('identifier');
}

function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, 'field');
}

function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) return l.emit('variable'); // a bare "$"
  return lexFieldOrVariable(l, 'variable');
}

function lexFieldOrVariable(l: Lexer, type: 'field' | 'variable'): StateFn | null {
  if (l.atTerminator()) return l.emit(type === 'variable' ? 'variable' : 'dot');
  let rune = l.next();
  while (isAlphaNumeric(rune)) rune = l.next();
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(rune)}`);
  return l.emit(type);
}

/** Scans a quoted literal up to `quote`; what is inside is checked by the parser (strconv). */
function lexQuoted(l: Lexer, quote: string, type: ItemType, unterminated: string): StateFn | null {
  for (;;) {
    let rune = l.next();
    if (rune === code('\\')) {
      rune = l.next();
      if (rune !== EOF && rune !== code('\n')) continue;
    }
    if (rune === EOF || rune === code('\n')) return l.errorf(unterminated);
    if (rune === quote.charCodeAt(0)) return l.emit(type);
  }
}

function lexChar(l: Lexer): StateFn | null {
  return lexQuoted(l, "'", 'charConstant', 'unterminated character constant');
}

function lexQuote(l: Lexer): StateFn | null {
  return lexQuoted(l, '"', 'string', 'unterminated quoted string');
}

function lexRawQuote(l: Lexer): StateFn | null {
  for (;;) {
    const rune = l.next();
    if (rune === EOF) return l.errorf('unterminated raw quoted string');
    if (rune === code('`')) return l.emit('rawString');
  }
}

/** Scans the shape of a number only; the parser's strconv calls refuse what is not a number. */
function lexNumber(l: Lexer): StateFn | null {
  const bad = () => l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  if (!scanNumber(l)) return bad();
  const sign = l.peek();
  if (sign === code('+') || sign === code('-')) {
    // A complex constant: 1+2i, no spaces, ending in i.
    if (!scanNumber(l) || l.input[l.pos - 1] !== 'i') return bad();
    return l.emit('complex');
  }
  return l.emit('number');
}

function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = DECIMAL_DIGITS;
  if (l.accept('0')) {
    if (l.accept('xX')) digits = HEX_DIGITS;
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits === DECIMAL_DIGITS && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun(DECIMAL_DIGITS);
  }
  if (digits === HEX_DIGITS && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun(DECIMAL_DIGITS);
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}

const DECIMAL_DIGITS = '0123456789_';
const HEX_DIGITS = '0123456789abcdefABCDEF_';
function code(ch: string): number {
  return ch.charCodeAt(0);
}

function isSpace(rune: number): boolean {
  return rune === 0x20 || rune === 0x09 || rune === 0x0d || rune === 0x0a;
}

function isDecimalDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** Go's unicode.IsLetter or unicode.IsDigit (category Nd), or an underscore. */
function isAlphaNumeric(rune: number): boolean {
  return rune !== EOF && /^[_\p{L}\p{Nd}]$/u.test(String.fromCodePoint(rune));
}

function hasLeftTrimMarker(text: string, at: number): boolean {
  return text[at] === '-' && SPACE_CHARS.includes(text[at + 1] ?? 'x');
}

function hasRightTrimMarker(text: string, at: number): boolean {
  return SPACE_CHARS.includes(text[at] ?? 'x') && text[at + 1] === '-';
}

function rightTrimLength(text: string): number {
  let end = text.length;
  while (end > 0 && SPACE_CHARS.includes(text[end - 1])) end -= 1;
  return text.length - end;
}

function leftTrimLength(text: string, from: number): number {
  let at = from;
  while (at < text.length && SPACE_CHARS.includes(text[at])) at += 1;
  return at - from;
}
