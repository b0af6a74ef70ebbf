/**
 * A small PromQL lexer and structure finder for the agreement corpus: just enough to find the places a
 * mutation changes (range selectors, calls, aggregations, operators, literals) in any expression,
 * including invalid ones. Mutations splice the original text, so what the lexer does not understand
 * is kept as it is.
 */
import { PROMQL_AGGREGATIONS } from '../../components/model/promql-functions';

export type TokKind =
  | 'ident'
  | 'number'
  | 'duration'
  | 'string'
  | 'op'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | '@'
  | 'other';

export interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
}

const PATTERNS: [RegExp, TokKind | 'skip'][] = [
  [/\s+/y, 'skip'],
  [/#[^\n]*/y, 'skip'],
  [/"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?/y, 'string'],
  [
    /(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?)(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?/y,
    'number',
  ],
  [/[a-zA-Z_][a-zA-Z0-9_:]*|:[a-zA-Z_][a-zA-Z0-9_:]*/y, 'ident'],
  [/==|!=|<=|>=|=~|!~|[-+*/%^<>=]/y, 'op'],
  [/[(){}[\],:@]/y, 'other'],
  [/[^]/y, 'other'],
];

export function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  while (pos < src.length) {
    for (const [re, kind] of PATTERNS) {
      re.lastIndex = pos;
      const m = re.exec(src);
      if (!m || m[0].length === 0) continue;
      const text = m[0];
      if (kind !== 'skip') {
        let k: TokKind = kind;
        if (kind === 'other' && '(){}[],:@'.includes(text)) k = text as TokKind;
        if (kind === 'number' && /[smhdwy]$/.test(text) && !/^0[xX]/.test(text)) k = 'duration';
        toks.push({ kind: k, text, start: pos, end: pos + text.length });
      }
      pos += text.length;
      break;
    }
  }
  return toks;
}

/** PromQL's aggregations, and those whose first argument is a parameter, from the checker's table. */
export const AGGREGATORS: ReadonlySet<string> = new Set(PROMQL_AGGREGATIONS.keys());
export const PARAM_AGGREGATORS: ReadonlySet<string> = new Set(
  [...PROMQL_AGGREGATIONS].filter(([, aggregation]) => aggregation.param !== undefined).map(([name]) => name),
);
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
]);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const NUMBER_WORDS = /^(inf|nan)$/i;

export interface Call {
  /** Index of the function or aggregation name. */
  name: number;
  aggregation: boolean;
  /** Indexes of the parentheses around the arguments. */
  open: number;
  close: number;
  /** Index ranges [from, to] (inclusive) of each top-level argument. */
  args: [number, number][];
}

export interface Selector {
  first: number;
  last: number;
}

export interface Brackets {
  open: number;
  close: number;
  subquery: boolean;
}

export interface Structure {
  toks: Tok[];
  calls: Call[];
  selectors: Selector[];
  brackets: Brackets[];
  /** Binary operator tokens (arithmetic, comparison, set operators, atan2). */
  binaryOps: number[];
  /** Number and string tokens outside label matchers, label lists and brackets. */
  literals: number[];
}

/** Index of the token closing the bracket at `i`, or -1. */
export function closing(toks: readonly Tok[], i: number): number {
  const open = toks[i].kind;
  const close = open === '(' ? ')' : open === '{' ? '}' : ']';
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (toks[j].kind === open) depth++;
    else if (toks[j].kind === close && --depth === 0) return j;
  }
  return -1;
}

const OPERAND_END = new Set<TokKind>(['ident', 'number', 'duration', 'string', ')', '}', ']']);

export function analyze(src: string): Structure {
  const toks = lex(src);
  const calls: Call[] = [];
  const selectors: Selector[] = [];
  const brackets: Brackets[] = [];
  const binaryOps: number[] = [];
  const literals: number[] = [];
  /** Tokens inside label matchers, label lists or brackets: not operands of their own. */
  const inner = new Set<number>();

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const lower = t.text.toLowerCase();
    if (t.kind === 'ident' && LABEL_LIST_KEYWORDS.has(lower) && toks[i + 1]?.kind === '(') {
      const end = closing(toks, i + 1);
      for (let j = i + 1; j <= (end < 0 ? toks.length - 1 : end); j++) inner.add(j);
    }
    if (t.kind === '{') {
      const end = closing(toks, i);
      for (let j = i + 1; j < (end < 0 ? toks.length : end); j++) inner.add(j);
    }
    if (t.kind === '[') {
      const end = closing(toks, i);
      if (end > 0) {
        let subquery = false;
        for (let j = i + 1; j < end; j++) {
          inner.add(j);
          if (toks[j].kind === ':') subquery = true;
        }
        brackets.push({ open: i, close: end, subquery });
      }
    }
  }

  for (let i = 0; i < toks.length; i++) {
    if (inner.has(i)) continue;
    const t = toks[i];
    const lower = t.text.toLowerCase();
    if (t.kind === 'ident') {
      if (KEYWORDS.has(lower)) {
        if (['and', 'or', 'unless', 'atan2'].includes(lower)) binaryOps.push(i);
        continue;
      }
      if (NUMBER_WORDS.test(t.text)) {
        literals.push(i);
        continue;
      }
      if (AGGREGATORS.has(lower)) {
        // sum(...), sum by (l) (...), sum(...) by (l)
        let open = i + 1;
        if (toks[open]?.kind === 'ident' && ['by', 'without'].includes(toks[open].text.toLowerCase())) {
          const end = toks[open + 1]?.kind === '(' ? closing(toks, open + 1) : -1;
          open = end < 0 ? -1 : end + 1;
        }
        if (open > 0 && toks[open]?.kind === '(') {
          const close = closing(toks, open);
          if (close > 0) {
            calls.push({ name: i, aggregation: true, open, close, args: splitArgs(toks, open, close) });
            continue;
          }
        }
      }
      if (toks[i + 1]?.kind === '(') {
        const close = closing(toks, i + 1);
        if (close > 0)
          calls.push({
            name: i,
            aggregation: false,
            open: i + 1,
            close,
            args: splitArgs(toks, i + 1, close),
          });
        continue;
      }
      if ((lower === 'start' || lower === 'end') && toks[i - 1]?.kind === '@') continue;
      // A metric name, optionally with matchers.
      let last = i;
      if (toks[i + 1]?.kind === '{') {
        const end = closing(toks, i + 1);
        if (end > 0) last = end;
      }
      selectors.push({ first: i, last });
      i = last;
      continue;
    }
    if (t.kind === '{') {
      const end = closing(toks, i);
      if (end > 0) {
        selectors.push({ first: i, last: end });
        i = end;
      }
      continue;
    }
    if (t.kind === 'number' || t.kind === 'string') {
      const prev = toks[i - 1];
      if (prev && ((prev.kind === 'ident' && prev.text.toLowerCase() === 'offset') || prev.kind === '@'))
        continue;
      literals.push(i);
      continue;
    }
    if (t.kind === 'op' && i > 0 && OPERAND_END.has(toks[i - 1].kind) && t.text !== '=') binaryOps.push(i);
  }
  return { toks, calls, selectors, brackets, binaryOps, literals };
}

function splitArgs(toks: readonly Tok[], open: number, close: number): [number, number][] {
  if (close === open + 1) return [];
  const args: [number, number][] = [];
  let depth = 0;
  let from = open + 1;
  for (let j = open + 1; j < close; j++) {
    const k = toks[j].kind;
    if (k === '(' || k === '{' || k === '[') depth++;
    else if (k === ')' || k === '}' || k === ']') depth--;
    else if (k === ',' && depth === 0) {
      args.push([from, j - 1]);
      from = j + 1;
    }
  }
  args.push([from, close - 1]);
  return args;
}

/** `text` with [start, end) replaced. */
export function splice(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}
