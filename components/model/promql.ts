import type { SyntaxNode } from '@lezer/common';
import type { LRParser } from '@lezer/lr';
import { z } from 'zod';
import { promqlSemanticProblems } from './promql-check';

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
  if (validExpressions.has(expr)) return [];
  const lexed = numbersLezerReads(expr);
  const tree = parser.parse(lexed);
  const errors = syntaxErrors(expr, tree.topNode);
  if (errors.length === 0) {
    for (const problem of promqlSemanticProblems(lexed, tree.topNode))
      errors.push({ column: problem.from + 1, message: `${problem.message} at col ${problem.from + 1}` });
  }
  if (errors.length === 0) {
    if (validExpressions.size >= VALID_CACHE_LIMIT) validExpressions.clear();
    validExpressions.add(expr);
  }
  return errors;
}

/**
 * Expressions already found valid. Generated stacks repeat expressions across stacks, tests and checks;
 * the cache is keyed on the whole text because the checks read string and number contents (regexes,
 * escapes, durations). Errors are never cached.
 */
const validExpressions = new Set<string>();
const VALID_CACHE_LIMIT = 20_000;

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
