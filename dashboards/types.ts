/**
 * The dashboard JSON model as plain data: what `toPlainDashboard` returns and what the checks read. Only
 * the fields promstack looks at are typed; everything else passes through untouched.
 */
export interface PlainGridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface PlainDatasourceRef {
  type?: string;
  uid?: string;
}

export interface PlainTarget {
  refId?: string;
  expr?: string;
  datasource?: PlainDatasourceRef;
  [field: string]: unknown;
}

export interface PlainPanel {
  type: string;
  id?: number;
  title?: string;
  gridPos?: PlainGridPos;
  datasource?: PlainDatasourceRef;
  targets?: PlainTarget[];
  /** Rows only: the panels a collapsed row holds. */
  panels?: PlainPanel[];
  collapsed?: boolean;
  [field: string]: unknown;
}

export interface PlainVariable {
  name: string;
  type: string;
  query?: string | Record<string, unknown>;
  definition?: string;
  datasource?: PlainDatasourceRef;
  [field: string]: unknown;
}

export interface PlainDashboard {
  /** Must stay unset: Grafana assigns ids to provisioned dashboards. */
  id?: number | null;
  uid?: string;
  title?: string;
  panels?: PlainPanel[];
  templating?: { list?: PlainVariable[] };
  [field: string]: unknown;
}
