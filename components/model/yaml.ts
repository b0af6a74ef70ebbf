import { Document, isScalar, Scalar, visit } from 'yaml';

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

/**
 * Renders plain data as YAML, byte-for-byte the same for the same data: keys in the order the data holds
 * them (renderers build objects in canonical order), long PromQL in block scalars, a final newline.
 */
export function renderYaml(data: unknown, header?: string): string {
  const doc = new Document(stripUndefined(data), OPTIONS);
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') return;
      const value = pair.value.value;
      if (
        BLOCK_KEYS.has(String(pair.key.value)) &&
        (value.includes('\n') || value.length > BLOCK_MIN_LENGTH)
      ) {
        // A block scalar cannot carry trailing spaces on a line or leading blank lines faithfully.
        if (!/[ \t]\n|[ \t]$|^\s/.test(value)) pair.value.type = Scalar.BLOCK_LITERAL;
      }
    },
  });
  const body = doc.toString(OPTIONS);
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
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
