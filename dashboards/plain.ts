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
  const plain = jsonCopy(built) as PlainDashboard;
  let nextId = 1;
  // `type` and `id` first, where a reader of the JSON looks for them.
  const number = (panel: PlainPanel): PlainPanel => {
    const { type, id: _unused, ...rest } = panel;
    const numbered: PlainPanel = { type, id: nextId++, ...rest };
    if (numbered.type === 'row') {
      if (numbered.panels) numbered.panels = numbered.panels.map(number);
    } else nameTargets(numbered);
    return numbered;
  };
  if (plain.panels) plain.panels = plain.panels.map(number);
  return plain;
}

function nameTargets(panel: PlainPanel): void {
  const targets = panel.targets ?? [];
  const used = new Set(targets.map((target) => target.refId).filter((refId) => refId !== undefined));
  let candidate = 0;
  for (const target of targets) {
    if (target.refId !== undefined && target.refId !== '') continue;
    while (used.has(refIdName(candidate))) candidate++;
    target.refId = refIdName(candidate);
    used.add(target.refId);
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
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) throw ROUND_TRIP;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (key === '__proto__') throw ROUND_TRIP;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        out[key] = copyJson(member);
      }
      return out;
    }
    default:
      throw ROUND_TRIP;
  }
}
