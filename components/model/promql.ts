import type { LRParser } from '@lezer/lr';
import { z } from 'zod';

// lezer-promql is an ES module whose only type entry is ESM; its CommonJS build is loaded with require so
// that this CommonJS project type-checks (TS1479 otherwise). Pinned to the Prometheus release whose promtool
// the tests run, so that both accept the same syntax.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

export interface PromqlSyntaxError {
  /** 1-based column of the first offending character. */
  column: number;
  message: string;
}

/** Syntax errors of a PromQL expression, first one first; empty when the expression parses. */
export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  if (expr.trim() === '') return [{ column: 1, message: 'empty expression' }];
  const shape = shapeOf(expr);
  if (shape !== undefined && validShapes.has(shape)) return [];
  const errors = parseErrors(expr);
  if (errors.length === 0 && shape !== undefined) {
    if (validShapes.size >= SHAPE_CACHE_LIMIT) validShapes.clear();
    validShapes.add(shape);
  }
  return errors;
}

/**
 * Shapes of expressions that parsed. A generated stack has thousands of expressions that differ only in
 * label values and thresholds (`up{job="a"} == 0`, `up{job="b"} == 0`); the parser sees tokens, not
 * their text, so an expression whose shape parsed parses too, and is not parsed again. Errors are never
 * cached: their messages quote the expression.
 */
const validShapes = new Set<string>();
const SHAPE_CACHE_LIMIT = 10_000;

/**
 * The expression with every double-quoted string emptied and every number written 0; undefined where
 * that cannot be done without a tokenizer (comments, other quotes, a string left open).
 */
function shapeOf(expr: string): string | undefined {
  if (/[#'`]/.test(expr)) return undefined;
  const shape = expr
    .replace(/"(?:[^"\\\n]|\\[^\n])*"/g, '""')
    .replace(/(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/g, '0');
  return shape.replace(/""/g, '').includes('"') ? undefined : shape;
}

function parseErrors(expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  parser.parse(expr).iterate({
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

/** A PromQL expression, checked for syntax; the first error is reported with its column. */
export const promqlExpr = z
  .string()
  .transform(normalizeExpr)
  .superRefine((expr, ctx) => {
    const [first] = promqlSyntaxErrors(expr);
    if (first) ctx.addIssue({ code: 'custom', message: `${first.message} in ${JSON.stringify(expr)}` });
  });
