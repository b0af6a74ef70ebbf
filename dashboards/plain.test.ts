import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS, rangeQuery, timeseriesPanel } from './panels';
import { adoptBuiltDashboard, jsonCopy, refIdName, renderDashboardJson, toPlainDashboard } from './plain';
import type { PlainPanel } from './types';

function build() {
  return new DashboardBuilder('Plain')
    .uid('plain')
    .withRow(new RowBuilder('First'))
    .withPanel(
      timeseriesPanel('Two queries', 'short')
        .withTarget(rangeQuery('up'))
        .withTarget(new DataqueryBuilder().expr('up * 2').refId('A'))
        .withTarget(rangeQuery('up * 3')),
    )
    .withRow(
      new RowBuilder('Collapsed')
        .collapsed(true)
        .withPanel(timeseriesPanel('Inside', 's').withTarget(rangeQuery('up'))),
    )
    .build();
}

describe('toPlainDashboard', () => {
  const plain = toPlainDashboard(build());

  it('returns plain JSON data: clonable and comparable, unlike the SDK objects', () => {
    expect(() => structuredClone(build())).toThrow();
    expect(structuredClone(plain)).toEqual(plain);
    expect(toPlainDashboard(build())).toEqual(plain);
  });

  it('numbers panels 1..n in reading order, rows and their panels included', () => {
    const rows = plain.panels ?? [];
    expect(rows.map((p) => [p.id, p.title])).toEqual([
      [1, 'First'],
      [2, 'Two queries'],
      [3, 'Collapsed'],
    ]);
    expect(rows[2].panels?.map((p) => [p.id, p.title])).toEqual([[4, 'Inside']]);
    expect(Object.keys(rows[1]).slice(0, 2)).toEqual(['type', 'id']);
  });

  it('names targets with the first free letters and keeps given refIds', () => {
    expect(plain.panels?.[1].targets?.map((t) => t.refId)).toEqual(['B', 'A', 'C']);
  });

  it('leaves the builder settings alone', () => {
    expect(plain.panels?.[1].options).toEqual(
      expect.objectContaining({ legend: expect.objectContaining({ showLegend: true }) }),
    );
  });

  it('shares no object with what it was built from', () => {
    expect(plain.panels?.[1].datasource).toEqual(PROMETHEUS);
    expect(plain.panels?.[1].datasource).not.toBe(PROMETHEUS);
  });

  it('copies what only JSON can (a Date) as the round trip does, and numbers the same', () => {
    const dated = toPlainDashboard({ ...build(), created: new Date(0) });
    const expected = { ...plain, created: '1970-01-01T00:00:00.000Z' };
    expect(dated).toStrictEqual(expected);
    expect(renderDashboardJson(dated)).toBe(renderDashboardJson(expected));
  });

  it('renders the same bytes every time', () => {
    expect(renderDashboardJson(toPlainDashboard(build()))).toBe(renderDashboardJson(plain));
  });
});

describe('adoptBuiltDashboard', () => {
  const copied = toPlainDashboard(build());

  it('is toPlainDashboard without copying what the builders made', () => {
    const built = build();
    const adopted = adoptBuiltDashboard(built);
    expect(adopted).toStrictEqual(copied);
    expect(renderDashboardJson(adopted)).toBe(renderDashboardJson(copied));
    expect(adopted.panels?.[1].options).toBe((built.panels?.[1] as PlainPanel).options);
  });

  it('copies the targets, which carry functions, and the shared datasource references', () => {
    const built = build();
    const adopted = adoptBuiltDashboard(built);
    expect(structuredClone(adopted)).toEqual(adopted);
    expect(adopted.panels?.[1].targets?.[0]).not.toBe((built.panels?.[1] as PlainPanel).targets?.[0]);
    expect(adopted.panels?.[1].datasource).not.toBe(PROMETHEUS);
  });

  it('copies a member that is not JSON data as the round trip does', () => {
    const built = build();
    Object.assign(built.panels?.[1] ?? {}, { created: new Date(0), gone: undefined, zero: -0 });
    const adopted = adoptBuiltDashboard(built);
    expect(adopted.panels?.[1]).toStrictEqual({
      ...copied.panels?.[1],
      created: '1970-01-01T00:00:00.000Z',
      zero: 0,
    });
  });
});

describe('refIdName', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [27, 'AB'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('%i -> %s', (index, name) => expect(refIdName(index)).toBe(name));
});

describe('jsonCopy', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y = undefined,
    ) {}
  }
  const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
  const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  it.each([
    ['an SDK dashboard', build()],
    ['undefined and functions in objects', { a: undefined, b: () => 1, c: 'kept', [Symbol('s')]: 1 }],
    ['undefined, functions and symbols in arrays', [undefined, () => 1, Symbol('s'), 'kept']],
    ['numbers JSON cannot write', [NaN, Infinity, -Infinity, -0, 1.5, { n: -0 }]],
    ['integer-like keys first', { b: 1, 10: 2, a: 3, 2: 4 }],
    ['nested empties', { a: [], b: {}, c: [[], [{}]] }],
    ['a Date', { at: new Date(0) }],
    ['a toJSON method', { a: { toJSON: () => 'replaced' } }],
    ['a class instance', { p: new Point(1) }],
    ['an object without prototype', { n: nullProto }],
    ['a __proto__ key', JSON.parse('{"a": {"__proto__": {"x": 1}}}') as unknown],
    ['a boxed string', { s: new String('boxed') }],
  ])('copies %s exactly as a JSON round trip does', (_name, value) => {
    const copy = jsonCopy(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(value)));
    expect(copy).toStrictEqual(roundTrip(value));
  });

  it.each([
    ['a bigint', { n: 1n }],
    [
      'a cycle',
      (() => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      })(),
    ],
  ])('fails on %s as JSON.stringify does', (_name, value) => {
    expect(() => jsonCopy(value)).toThrow(TypeError);
  });
});
