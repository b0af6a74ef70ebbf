import { Document, isScalar, Scalar, visit, type DocumentOptions, type ToStringOptions } from 'yaml';
import { stringifyString, type StringifyContext } from 'yaml/util';

// YAML 1.1 output quotes on/yes/no/off and timestamps, which Go's yaml.v2 (Prometheus, Alertmanager,
// Kubernetes) would otherwise read as booleans and dates. No anchors for shared objects, no line folding.
const OPTIONS = {
  version: '1.1',
  aliasDuplicateObjects: false,
  lineWidth: 0,
  indent: 2,
  indentSeq: true,
} as const;

/** Keys whose long or multi-line values read best as `|-` blocks in review. */
const BLOCK_KEYS = new Set(['expr', 'description', 'text', 'message', 'html']);
const BLOCK_MIN_LENGTH = 80;

/** Whether a string under `key` is written as a literal block (`|-`), as review reads PromQL best. */
function asBlock(key: string, value: string): boolean {
  return (
    BLOCK_KEYS.has(key) &&
    (value.includes('\n') || value.length > BLOCK_MIN_LENGTH) &&
    // A block scalar cannot carry trailing spaces on a line or leading blank lines faithfully.
    !/[ \t]\n|[ \t]$|^\s/.test(value)
  );
}

/**
 * Renders plain data as YAML, byte-for-byte the same for the same data: keys in the order the data holds
 * them (renderers build objects in canonical order), long PromQL in block scalars, a final newline.
 *
 * The output is the yaml library's (renderYamlWithLibrary); a generated stack renders tens of megabytes,
 * where the library's node tree costs most of the synth time, so plain objects, arrays, strings, numbers
 * and booleans are laid out here and each scalar is written by the library's own scalar writer. Anything
 * else (null, a `<<` key, a key over 1024 characters, class instances) goes through the library whole.
 */
export function renderYaml(data: unknown, header?: string): string {
  let body: string;
  try {
    body = `${emitTop(data)}\n`;
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    body = libraryBody(data);
  }
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}

/** renderYaml through the yaml library's document model: the reference the fast path must equal. */
export function renderYamlWithLibrary(data: unknown, header?: string): string {
  const body = libraryBody(data);
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}

function libraryBody(data: unknown): string {
  const doc = new Document(stripUndefined(data), OPTIONS);
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') return;
      if (asBlock(String(pair.key.value), pair.value.value)) pair.value.type = Scalar.BLOCK_LITERAL;
    },
  });
  return doc.toString(OPTIONS);
}

/** Thrown inside the fast path for data it does not lay out itself. */
const UNSUPPORTED = Symbol('unsupported by the fast YAML path');

/** The stringify context the library builds for a document (stringify.js createStringifyContext). */
const ROOT_CONTEXT: StringifyContext = {
  anchors: new Set(),
  doc: new Document(null, OPTIONS as DocumentOptions),
  flowCollectionPadding: ' ',
  indent: '',
  indentStep: ' '.repeat(OPTIONS.indent),
  inFlow: null,
  options: {
    blockQuote: true,
    commentString: (text: string) => text.replace(/^(?!$)(?: $)?/gm, '#'),
    defaultKeyType: null,
    defaultStringType: 'PLAIN',
    directives: null,
    doubleQuotedAsJSON: false,
    doubleQuotedMinMultiLineLength: 40,
    falseStr: 'false',
    flowCollectionPadding: true,
    indentSeq: true,
    lineWidth: 80,
    minContentWidth: 20,
    nullStr: 'null',
    simpleKeys: false,
    singleQuote: null,
    trailingComma: false,
    trueStr: 'true',
    verifyAliasOrder: true,
    ...(OPTIONS as ToStringOptions),
  } as StringifyContext['options'],
};

/** Contexts by indent: a key (implicit) and a value or sequence item at that indent. */
const contexts = new Map<string, { key: StringifyContext; value: StringifyContext }>();

function contextsAt(indent: string): { key: StringifyContext; value: StringifyContext } {
  let found = contexts.get(indent);
  if (!found) {
    const base = { ...ROOT_CONTEXT, allNullValues: false, indent, actualString: true };
    found = { key: { ...base, implicitKey: true }, value: { ...base, implicitKey: false } };
    contexts.set(indent, found);
  }
  return found;
}

/**
 * Keys repeat across every rule, label set and panel, so their text is kept (one-line keys are written
 * the same at every indent but the root's, where document markers are special); the cache is cleared when
 * it grows large, so that a long-running process does not keep every key it ever wrote.
 */
const CACHE_LIMIT = 50_000;
const keyCache = new Map<string, string>();
const otherScalars = new Map<unknown, string>();

/** Lines starting like a document marker: the library quotes such a key only at some indents. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

function writeString(value: string, ctx: StringifyContext, block: boolean): string {
  // The library changes a context only at the root indent (forceBlockIndent), which these never have.
  return stringifyString({ value, type: block ? Scalar.BLOCK_LITERAL : undefined } as Scalar<string>, ctx);
}

function keyText(key: string, indent: string): string {
  let text = keyCache.get(key);
  if (text === undefined) {
    if (key === '<<') throw UNSUPPORTED;
    text = writeString(key, contextsAt(indent).key, false);
    // The library writes longer keys as explicit `? key` entries.
    if (text.length > 1024) throw UNSUPPORTED;
    if (DOCUMENT_MARKER.test(key)) return text;
    if (keyCache.size >= CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, text);
  }
  return text;
}

function stringText(value: string, indent: string, block: boolean): string {
  if (!block && isPlainValue(value)) return value;
  if (value === '<<') throw UNSUPPORTED;
  return writeString(value, contextsAt(indent).value, block);
}

/** The tests by which plainString quotes a string that would read back as another type (1.1: yes, 0755). */
const OTHER_TYPE_TESTS: RegExp[] = (() => {
  const { tags, compat } = ROOT_CONTEXT.doc.schema;
  return [...tags, ...(compat ?? [])].flatMap((tag) =>
    tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test ? [tag.test] : [],
  );
})();
// The library's own test for characters it writes double-quoted.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/**
 * Whether the library would write a one-line value as it is: the checks of its plainString, in the
 * same order, for a value (not a key) below the root with no line folding. Everything else is left to it.
 */
function isPlainValue(value: string): boolean {
  if (value.includes('\n') || CONTROL_CHARACTERS.test(value) || NOT_PLAIN.test(value)) return false;
  for (const test of OTHER_TYPE_TESTS) if (test.test(value)) return false;
  return true;
}

/** Numbers and booleans, written by the library as a document of their own (few distinct values). */
function otherScalarText(value: number | boolean): string {
  let text = otherScalars.get(value);
  // A Map takes 0 and -0 for one key; they need not render alike.
  if (text === undefined || Object.is(value, -0)) {
    text = new Document(value, OPTIONS).toString(OPTIONS).slice(0, -1);
    if (text.includes('\n')) throw UNSUPPORTED;
    if (otherScalars.size >= CACHE_LIMIT) otherScalars.clear();
    otherScalars.set(value, text);
  }
  return text;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function emitTop(data: unknown): string {
  // A document that is a single scalar has rules of its own (document markers, block indentation).
  if (data === null || typeof data !== 'object') throw UNSUPPORTED;
  const out: string[] = [];
  emit(data, '', out);
  return out.join('');
}

/**
 * Appends the text of a node whose context indent is `indent`, laid out as the library's
 * stringifyCollection and stringifyPair do (block style, sequences indented under their key).
 */
function emit(value: unknown, indent: string, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(stringText(value, indent, false));
      return;
    case 'number':
    case 'boolean':
      out.push(otherScalarText(value));
      return;
    case 'object':
      if (value === null) throw UNSUPPORTED;
      if (Array.isArray(value)) return emitSeq(value, indent, out);
      if (isPlainObject(value)) return emitMap(value, indent, out);
      throw UNSUPPORTED;
    default:
      throw UNSUPPORTED;
  }
}

function isEmptyCollection(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if ((value as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

function emitSeq(items: readonly unknown[], indent: string, out: string[]): void {
  if (items.length === 0) {
    out.push('[]');
    return;
  }
  const itemIndent = `${indent}  `;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined) throw UNSUPPORTED;
    out.push(i === 0 ? '- ' : `\n${indent}- `);
    emit(item, itemIndent, out);
  }
}

function emitMap(map: Record<string, unknown>, indent: string, out: string[]): void {
  const inner = `${indent}  `;
  let first = true;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    if (!first) out.push(`\n${indent}`);
    first = false;
    out.push(keyText(key, inner), ':');
    if (typeof value === 'string') {
      const scalar = stringText(value, inner, asBlock(key, value));
      out.push(scalar === '' || scalar[0] === '\n' ? scalar : ` ${scalar}`);
    } else if (value !== null && typeof value === 'object') {
      if (isEmptyCollection(value)) {
        out.push(Array.isArray(value) ? ' []' : ' {}');
      } else {
        out.push(`\n${inner}`);
        emit(value, inner, out);
      }
    } else {
      out.push(' ');
      emit(value, inner, out);
    }
  }
  if (first) out.push('{}');
}

/** Drops undefined members (the YAML library would write them as null) and keeps everything else. */
export function stripUndefined<T>(data: T): T {
  if (Array.isArray(data)) return data.map(stripUndefined) as T;
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = stripUndefined(value);
  return out as T;
}

/** JSON with two-space indentation and a final newline; key order is the data's own. */
export function renderJson(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
