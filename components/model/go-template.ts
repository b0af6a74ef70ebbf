/**
 * A checker for Go text/template syntax, as the deployed Prometheus and Alertmanager parse templates:
 * Go's lexer and parser ported (go-template-lexer.ts, go-template-parser.ts), with each engine's
 * function set, since Go refuses an unknown function at parse time. promtool refuses a rule file
 * whose alert annotations or labels do not parse, and Prometheus then does not start.
 */
import { GoTemplateSyntaxError, parseGoTemplate } from './go-template-parser';

/** text/template's builtins (funcs.go), present in every template. */
export const GO_TEMPLATE_BUILTINS = [
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
] as const;

/** Prometheus 3.5's alert template functions (template/template.go, NewTemplateExpander). */
export const PROMETHEUS_TEMPLATE_FUNCTIONS = [
  'query',
  'first',
  'label',
  'value',
  'strvalue',
  'args',
  'reReplaceAll',
  'safeHtml',
  'match',
  'title',
  'toUpper',
  'toLower',
  'graphLink',
  'tableLink',
  'sortByLabel',
  'stripPort',
  'stripDomain',
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'toTime',
  'pathPrefix',
  'externalURL',
  'parseDuration',
] as const;

/** Alertmanager 0.33's notification template functions (template/template.go, DefaultFuncs). */
export const ALERTMANAGER_TEMPLATE_FUNCTIONS = [
  'toUpper',
  'toLower',
  'title',
  'trimSpace',
  'join',
  'match',
  'safeHtml',
  'safeUrl',
  'urlUnescape',
  'reReplaceAll',
  'stringSlice',
  'date',
  'tz',
  'now',
  'since',
  'humanizeDuration',
  'toJson',
  'list',
  'append',
  'dict',
] as const;

/** How one engine parses a template: its functions, and what it puts in front of the text. */
export interface GoTemplateDialect {
  readonly functions: ReadonlySet<string>;
  /** Parsed before the text as part of it: declarations here are variables the text may use. */
  readonly prelude: string;
}

/**
 * Alert annotations and labels: promtool and the rule manager parse each value after these variable
 * definitions (rulefmt's testTemplateParsing), so `$labels`, `$externalLabels`, `$externalURL` and
 * `$value` are defined and every other variable is not.
 */
export const PROMETHEUS_ALERT_TEMPLATE: GoTemplateDialect = {
  functions: new Set([...GO_TEMPLATE_BUILTINS, ...PROMETHEUS_TEMPLATE_FUNCTIONS]),
  prelude:
    '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}',
};

/** Alertmanager template files and receiver texts: no variable but `$` is predefined. */
export const ALERTMANAGER_TEMPLATE: GoTemplateDialect = {
  functions: new Set([...GO_TEMPLATE_BUILTINS, ...ALERTMANAGER_TEMPLATE_FUNCTIONS]),
  prelude: '',
};

export interface GoTemplateProblem {
  /** Go's message, e.g. `unclosed left paren`, `function "humanise" not defined`. */
  message: string;
  /** Where Go was when it stopped, in the checked text: offset (UTF-16 units), 1-based line and column. */
  offset: number;
  line: number;
  column: number;
}

export interface GoTemplateOptions {
  /**
   * The template's own name, e.g. `__alert_<alertname>` for Prometheus or the file name for
   * Alertmanager: a {{define}} of that name collides with the text around it. Unknown when unset.
   */
  name?: string;
}

/**
 * Texts already found valid, per dialect, by their shape (templateShape) where they have one, else whole:
 * generated rules repeat a few shapes across thousands of annotations. Errors are never cached.
 */
const validTexts = new WeakMap<GoTemplateDialect, Set<string>>();
const VALID_CACHE_LIMIT = 20_000;

/**
 * The problems Go's parser finds in `text`: none, or the first one, because Go stops there (a fixed
 * template may show the next).
 */
export function checkGoTemplate(
  text: string,
  dialect: GoTemplateDialect,
  options: GoTemplateOptions = {},
): GoTemplateProblem[] {
  // Without a left delimiter the text is one text node, which Go's parser takes after any prelude (each
  // dialect's is valid): most label values and many annotations, not worth parsing or remembering.
  if (!text.includes('{{')) return [];
  // A shape never equals an unshaped text: those have a comment or an open string, shapes neither.
  const key = `${options.name ?? ''}\0${templateShape(text) ?? text}`;
  const valid = validTexts.get(dialect) ?? new Set<string>();
  if (valid.has(key)) return [];
  try {
    parseGoTemplate(dialect.prelude + text, options.name, dialect.functions);
    if (valid.size >= VALID_CACHE_LIMIT) valid.clear();
    validTexts.set(dialect, valid.add(key));
    return [];
  } catch (error) {
    if (!(error instanceof GoTemplateSyntaxError)) throw error;
    const offset = Math.min(Math.max(0, error.offset - dialect.prelude.length), text.length);
    return [{ message: error.message, offset, ...lineAndColumn(text, offset) }];
  }
}

/**
 * The text with each stretch of text between its actions written as one character, blank or not
 * (`x{{ $labels.instance }}x` for `{{ $labels.instance }} of svc-00042 is down`), so that texts that
 * differ only there are parsed once; undefined where an action holds a comment or a string left open.
 * Otherwise an action ends at the first `}}` outside its strings, as Go's lexer ends it (a quote in an
 * action always starts a string, and no other item takes a `}`); the lexer reads each action alone, and
 * the parser does not look at text but for whether it is blank (parse.IsEmptyTree, for {{define}}).
 */
export function templateShape(text: string): string | undefined {
  if (text.includes('/*')) return undefined;
  let shape = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    const between = open < 0 ? text.slice(at) : text.slice(at, open);
    if (between !== '') shape += isBlank(between) ? ' ' : 'x';
    if (open < 0) return shape;
    const end = actionEnd(text, open + 2);
    if (end === undefined) return undefined;
    shape += text.slice(open, end);
    at = end;
  }
}

/** What Go's parser takes for blank text (go-template-parser.ts, IsEmptyTree). */
const BLANK = /^\p{White_Space}*$/u;

/** BLANK's verdict, without its slow Unicode scan for text that starts with a visible ASCII character. */
function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  return first > 0x20 && first < 0x7f ? false : BLANK.test(text);
}

/**
 * Where the action whose inside starts at `from` ends: after its `}}`, or at the end of an unclosed
 * action; undefined when a string in it is not closed (as lexQuoted and lexRawQuote read strings).
 */
function actionEnd(text: string, from: number): number | undefined {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '}' && text[i + 1] === '}') return i + 2;
    if (ch !== '"' && ch !== "'" && ch !== '`') continue;
    for (i += 1; text[i] !== ch; i += 1) {
      if (i >= text.length || (ch !== '`' && text[i] === '\n')) return undefined;
      if (ch !== '`' && text[i] === '\\') {
        i += 1;
        if (i >= text.length || text[i] === '\n') return undefined;
      }
    }
  }
  return text.length;
}

/** `unclosed left paren at col 12`, or `... at line 3 col 5` when the text has several lines. */
export function describeTemplateProblem(problem: GoTemplateProblem, text: string): string {
  const where = text.includes('\n') ? `line ${problem.line} col ${problem.column}` : `col ${problem.column}`;
  return `${problem.message} at ${where}`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return {
    line: before.split('\n').length,
    column: [...before.slice(lineStart)].length + 1,
  };
}
