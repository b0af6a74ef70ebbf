import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { renderJson } from '../components/model/yaml';
import type { PlainDashboard, PlainPanel } from './types';

/**
 * Turns an SDK-built dashboard into plain JSON data ready for file provisioning: the SDK's objects carry
 * functions (so they neither clone nor compare), rows all get id 0 and targets get no refId. Panels are
 * numbered 1..n in reading order, rows' own panels included; targets without a refId get the first free
 * letter of their panel (A, B, ..., Z, AA, ...). Nothing else changes: legend and tooltip settings are the
 * builders' business.
 */
export function toPlainDashboard(built: Dashboard | PlainDashboard): PlainDashboard {
  try {
    return copyDashboard(built, { next: 1, adopt: false });
  } catch {
    // Whatever the one-pass copy does not take (see copyJson) goes through the JSON round trip first,
    // with its result or error, and is then numbered by the same pass.
    return copyDashboard(jsonCopy(built), { next: 1, adopt: false });
  }
}

/**
 * toPlainDashboard for a dashboard whose builders were made for it alone and are dropped once it is built,
 * as serviceDashboard's are: nothing else holds what they built, so it need not be copied where it is plain
 * JSON data already. Only the panels (numbered), their targets (the SDK gives each a function) and their
 * datasource references (one constant, PROMETHEUS, shared by every panel) are new objects; any other
 * member of a panel is taken as built when it is JSON data (see isJsonData) and copied otherwise.
 */
export function adoptBuiltDashboard(built: Dashboard): PlainDashboard {
  try {
    return copyDashboard(built, { next: 1, adopt: true });
  } catch {
    return toPlainDashboard(built);
  }
}

/** The members of a panel adoptBuiltDashboard copies all the same; `__proto__` for copyMember to refuse. */
const COPIED_WHEN_ADOPTED = new Set(['targets', 'datasource', '__proto__']);

interface Numbering {
  next: number;
  /** Whether panels' members other than targets and datasource may be taken as built (adoptBuiltDashboard). */
  adopt: boolean;
}

/**
 * jsonCopy and the numbering in one pass: the copy of each panel is the numbered object, so that a
 * dashboard is not copied twice. Throws ROUND_TRIP where jsonCopy would take the round trip.
 */
function copyDashboard(built: unknown, numbering: Numbering): PlainDashboard {
  const plain: Record<string, unknown> = {};
  for (const key of plainKeys(built)) {
    const member = (built as Record<string, unknown>)[key];
    if (key === 'panels' && member) plain.panels = copyPanels(member, numbering);
    else copyMember(plain, key, member);
  }
  return plain as PlainDashboard;
}

function copyPanels(panels: unknown, numbering: Numbering): PlainPanel[] {
  if (!Array.isArray(panels)) throw ROUND_TRIP;
  const out: PlainPanel[] = new Array(panels.length);
  for (let i = 0; i < panels.length; i++) out[i] = copyPanel(panels[i], numbering);
  return out;
}

function copyPanel(panel: unknown, numbering: Numbering): PlainPanel {
  const keys = plainKeys(panel);
  const members = panel as Record<string, unknown>;
  // `type` and `id` first, where a reader of the JSON looks for them.
  const numbered = { type: undefined, id: numbering.next++ } as unknown as PlainPanel;
  copyMember(numbered, 'type', members.type);
  // Copied only to fail as the round trip would: the number replaces it.
  copyMember({}, 'id', members.id);
  const isRow = numbered.type === 'row';
  for (const key of keys) {
    if (key === 'type' || key === 'id') continue;
    const member = members[key];
    if (isRow && key === 'panels' && member) numbered.panels = copyPanels(member, numbering);
    else if (numbering.adopt && !COPIED_WHEN_ADOPTED.has(key) && isJsonData(member)) numbered[key] = member;
    else copyMember(numbered, key, member);
  }
  if (!isRow) nameTargets(numbered);
  return numbered;
}

function nameTargets(panel: PlainPanel): void {
  const targets = panel.targets ?? [];
  // Built targets rarely bring a refId: then there is nothing to keep clear of.
  let used: Set<unknown> | undefined;
  for (const target of targets) if (target.refId !== undefined) (used ??= new Set()).add(target.refId);
  let candidate = 0;
  for (const target of targets) {
    if (target.refId !== undefined && target.refId !== '') continue;
    while (used?.has(refIdName(candidate))) candidate++;
    target.refId = refIdName(candidate++);
  }
}

/** Grafana's own sequence of query names: A..Z, then AA, AB, ... */
export function refIdName(index: number): string {
  let name = '';
  for (let n = index; n >= 0; n = Math.floor(n / 26) - 1) name = String.fromCharCode(65 + (n % 26)) + name;
  return name;
}

/** The dashboard file as Grafana's file provider reads it. */
export function renderDashboardJson(dashboard: PlainDashboard): string {
  return renderJson(dashboard);
}

/**
 * `JSON.parse(JSON.stringify(value))` without the text in between: members that are undefined or
 * functions dropped from objects and null in arrays, non-finite numbers null, -0 as 0. Anything JSON
 * would treat specially (toJSON, class instances, a `__proto__` key, bigints, cycles) takes the JSON
 * round trip itself, so the result (or the error) is always the round trip's.
 */
export function jsonCopy(value: unknown): unknown {
  try {
    return copyJson(value);
  } catch {
    return JSON.parse(JSON.stringify(value)) as unknown;
  }
}

/** Thrown inside copyJson for what only the round trip handles. */
const ROUND_TRIP = new Error('needs the JSON round trip');

function copyJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out[i] =
            item === undefined || typeof item === 'function' || typeof item === 'symbol'
              ? null
              : copyJson(item);
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of plainKeys(value)) copyMember(out, key, (value as Record<string, unknown>)[key]);
      return out;
    }
    default:
      throw ROUND_TRIP;
  }
}

/** The keys of an object copyJson copies itself; throws ROUND_TRIP for any other value. */
function plainKeys(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ROUND_TRIP;
  const proto = Object.getPrototypeOf(value) as unknown;
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) throw ROUND_TRIP;
  return Object.keys(value);
}

/** One member of an object, copied into `out` unless JSON would leave it out. */
function copyMember(out: Record<string, unknown>, key: string, member: unknown): void {
  if (key === '__proto__') throw ROUND_TRIP;
  if (member === undefined || typeof member === 'function' || typeof member === 'symbol') return;
  out[key] = copyJson(member);
}

/** Whether a value is what JSON.parse could return: the round trip would give an equal value. */
function isJsonData(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isJsonData(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false;
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || !isJsonData((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
