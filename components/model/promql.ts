import type { SyntaxNode } from '@lezer/common';
import type { LRParser } from '@lezer/lr';
import { z } from 'zod';
import { promqlAst, type Literal, type PromqlNode } from './promql-ast';
import {
  promqlSemanticProblems,
  promqlStructureProblems,
  promqlValueProblems,
  type LiteralText,
} from './promql-check';

// lezer-promql is an ES module whose only type entry is ESM; its CommonJS build is loaded with require so
// that this CommonJS project type-checks (TS1479 otherwise). Pinned to the Prometheus release whose promtool
// the tests run, so that both accept the same syntax.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

export interface PromqlError {
  /** 1-based column of the first offending character. */
  column: number;
  message: string;
}

/**
 * What Prometheus 3.5 would refuse in an expression, first problem first; empty when it parses. The
 * grammar comes from lezer-promql (pinned to the deployed Prometheus); the checks Prometheus's parser
 * makes after the grammar (types, argument counts, modifiers, regexes) from promql-check.ts, which runs
 * only on an expression whose grammar is right, as Prometheus reports those first too.
 */
export function promqlErrors(expr: string): PromqlError[] {
  if (expr.trim() === '') return [{ column: 1, message: 'empty expression' }];
  const shape = shapeOf(expr);
  if (shape !== undefined && validShape(shape.text, shape.literals)) return [];
  return uncachedErrors(expr);
}

/** The AST of an expression Prometheus accepts, for analyses beyond checking; undefined otherwise. */
export function promqlTree(expr: string): PromqlNode | undefined {
  if (promqlErrors(expr).length > 0) return undefined;
  const lexed = numbersLezerReads(expr);
  return promqlAst(lexed, parser.parse(lexed).topNode);
}

function uncachedErrors(expr: string): PromqlError[] {
  const lexed = numbersLezerReads(expr);
  const tree = parser.parse(lexed);
  const errors = syntaxErrors(expr, tree.topNode);
  if (errors.length > 0) return errors;
  return promqlSemanticProblems(promqlAst(lexed, tree.topNode)!).map((problem) => ({
    column: problem.from + 1,
    message: `${problem.message} at col ${problem.from + 1}`,
  }));
}

/**
 * Shapes whose grammar and structure are valid, with their AST and where each literal stands. A
 * generated stack has thousands of expressions that differ only in label values and thresholds
 * (`up{job="a"} == 0`, `up{job="b"} == 0`): their shape is parsed and checked once, and each expression
 * then only has its literals checked on the shape's AST. A shape that fails, or an expression whose
 * literals fail, goes through the uncached check, so every error is reported on its own text.
 */
const validShapes = new Map<string, { ast: PromqlNode; ordinals: Map<number, number> } | null>();
const SHAPE_CACHE_LIMIT = 10_000;

function validShape(shapeText: string, literals: readonly string[]): boolean {
  let entry = validShapes.get(shapeText);
  if (entry === undefined) {
    if (validShapes.size >= SHAPE_CACHE_LIMIT) validShapes.clear();
    entry = analyseShape(shapeText);
    validShapes.set(shapeText, entry);
  }
  if (entry === null) return false;
  return promqlValueProblems(entry.ast, new ShapeLiterals(entry.ordinals, literals)).length === 0;
}

/** The literals of one expression, read through the AST of its shape. */
class ShapeLiterals implements LiteralText {
  constructor(
    private readonly ordinals: ReadonlyMap<number, number>,
    private readonly literals: readonly string[],
  ) {}

  textOf(literal: Literal): string {
    const ordinal = this.ordinals.get(literal.from);
    if (ordinal !== undefined) return this.literals[ordinal];
    // A signed number literal (`-5`): the shape replaced the digits after the sign.
    const unsigned = this.ordinals.get(literal.from + 1);
    return unsigned !== undefined && /^[-+]/.test(literal.text)
      ? literal.text[0] + this.literals[unsigned]
      : literal.text;
  }
}

function analyseShape(shapeText: string): { ast: PromqlNode; ordinals: Map<number, number> } | null {
  const lexed = numbersLezerReads(shapeText);
  const tree = parser.parse(lexed);
  if (syntaxErrors(shapeText, tree.topNode).length > 0) return null;
  const ast = promqlAst(lexed, tree.topNode)!;
  if (promqlStructureProblems(ast).length > 0) return null;
  const ordinals = new Map(literalSpans(shapeText).map((span, ordinal) => [span.from, ordinal]));
  return { ast, ordinals };
}

/**
 * Double-quoted strings and plain numbers, in order: the parts of an expression its shape leaves out.
 * A number after `offset` stays in the shape, because it decides whether an offset is set at all.
 */
const LITERAL =
  /"(?:[^"\\\n]|\\[^\n])*"|(?<![\w.]|offset\s*[-+]?\s*)\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/g;

function literalSpans(expr: string): { from: number; text: string }[] {
  return [...expr.matchAll(LITERAL)].map((match) => ({ from: match.index, text: match[0] }));
}

/**
 * The expression with every double-quoted string emptied and every plain number written 0, and what
 * was taken out; undefined where that cannot be done without a tokenizer (comments, other quotes, a
 * string left open).
 */
function shapeOf(expr: string): { text: string; literals: string[] } | undefined {
  if (/[#'`]/.test(expr)) return undefined;
  const literals: string[] = [];
  let text = '';
  let last = 0;
  let quoteOutside = false;
  // A loop rather than replace with a callback: a closure per expression costs more than the matching.
  LITERAL.lastIndex = 0;
  for (let match = LITERAL.exec(expr); match !== null; match = LITERAL.exec(expr)) {
    const literal = match[0];
    const between = expr.slice(last, match.index);
    if (!quoteOutside && between.includes('"')) quoteOutside = true;
    text += between + (literal.charCodeAt(0) === 0x22 ? '""' : '0');
    literals.push(literal);
    last = match.index + literal.length;
  }
  const rest = expr.slice(last);
  text += rest;
  // Without a quote outside the strings, the shape's quotes are all emptied strings: none is left open.
  if (!quoteOutside && !rest.includes('"')) return { text, literals };
  return text.replace(/""/g, '').includes('"') ? undefined : { text, literals };
}

/** A number as Prometheus's lexer takes it: hex with `_` after `0x`, `_` between digits, `5.`, `.5`, `5.e3`. */
const GO_NUMBER =
  /(?<![\w.])(?:0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][-+]?\d+(?:_\d+)*)?)(?![\w.])/g;
const LEZER_NUMBER =
  /^(?:(?:\d+(?:_?\d)*(?:\.\d+(?:_?\d)*)?|\.\d+(?:_?\d)*)(?:[eE][-+]?\d+(?:_?\d)*)?|0x[0-9a-fA-F]+)$/;

/**
 * The expression with the number literals Prometheus reads but lezer-promql's grammar does not
 * (`5.`, `0x_1F`, `0X1F`) written as equal numbers of the same length, so that positions stay
 * those of the expression. Strings and comments are left alone.
 */
function numbersLezerReads(expr: string): string {
  if (!/\d/.test(expr)) return expr;
  let out = '';
  let last = 0;
  for (const [start, end] of codeSpans(expr)) {
    out += expr.slice(last, start);
    out += expr.slice(start, end).replace(GO_NUMBER, (literal) => {
      if (LEZER_NUMBER.test(literal)) return literal;
      const value = Number(literal.replace(/_/g, '').replace(/\.(?=[eE]|$)/, ''));
      const candidates = [String(value), value.toExponential()];
      const fits = candidates.find((text) => text.length <= literal.length && LEZER_NUMBER.test(text));
      return Number.isFinite(value) && fits ? fits.padEnd(literal.length, ' ') : literal;
    });
    last = end;
  }
  return out + expr.slice(last);
}

/** Spans of an expression outside string literals and comments: [start, end). */
function codeSpans(expr: string): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < expr.length; i += 1) {
    const ch = expr[i];
    if (ch !== '"' && ch !== "'" && ch !== '`' && ch !== '#') continue;
    spans.push([start, i]);
    if (ch === '#') {
      const end = expr.indexOf('\n', i);
      i = end === -1 ? expr.length : end;
    } else {
      for (i += 1; i < expr.length && expr[i] !== ch; i += 1) if (expr[i] === '\\' && ch !== '`') i += 1;
    }
    start = i + 1;
  }
  if (start < expr.length) spans.push([start, expr.length]);
  return spans;
}

function syntaxErrors(expr: string, top: SyntaxNode): PromqlError[] {
  const errors: PromqlError[] = [];
  top.toTree().iterate({
    enter: (node) => {
      if (!node.type.isError) return;
      const at = node.from;
      // `foo(` where foo is no PromQL function parses as a selector followed by a stray parenthesis.
      const unknownFunction =
        expr[at] === '(' ? /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(expr.slice(0, at)) : null;
      const column = unknownFunction ? at - unknownFunction[0].length + 1 : at + 1;
      const message =
        at >= expr.length
          ? `unexpected end of expression at col ${at + 1}`
          : unknownFunction
            ? `unknown function ${JSON.stringify(unknownFunction[1])} at col ${column}`
            : `unexpected ${JSON.stringify(expr.slice(at, Math.max(node.to, at + 1)))} at col ${at + 1}`;
      if (!errors.some((e) => e.message === message)) errors.push({ column, message });
    },
  });
  return errors;
}

/**
 * Normalises an expression for rendering: trailing white space and tabs would survive in a YAML block
 * scalar and make the file differ after any editor touches it.
 */
export function normalizeExpr(expr: string): string {
  // Generated expressions are normal already: no tab, no white space before a line break or at either end.
  const normal = !expr.includes('\t') && (!expr.includes('\n') || !/\s\n/.test(expr)) && expr.trim() === expr;
  if (normal) return expr;
  return expr
    .replace(/\t/g, '  ')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** A PromQL expression as Prometheus 3.5 accepts it; the first error is reported with its column. */
export const promqlExpr = z
  .string()
  .transform(normalizeExpr)
  .superRefine((expr, ctx) => {
    const [first] = promqlErrors(expr);
    if (first) ctx.addIssue({ code: 'custom', message: `${first.message} in ${JSON.stringify(expr)}` });
  });
