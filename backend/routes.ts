// Route templates are the values of the `route` label: bounded, whatever URLs clients send.
export const ROUTES = {
  root: '/',
  orders: '/api/orders',
  order: '/api/orders/:id',
  health: '/healthz',
  metrics: '/metrics',
  faults: '/control/faults',
} as const;

export type RouteTemplate = (typeof ROUTES)[keyof typeof ROUTES];

/** `route` label of requests no template matches, so probes for random paths cannot grow the series count. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Routes that the errorRate, latencyMs, cpuBurnMs and hang faults act on. */
export const API_ROUTES: readonly RouteTemplate[] = [ROUTES.orders, ROUTES.order];

export interface RouteMatch {
  route: RouteTemplate | typeof UNMATCHED_ROUTE;
  params: Record<string, string>;
}

const COMPILED = Object.values(ROUTES).map((template) => ({
  template,
  names: [...template.matchAll(/:(\w+)/g)].map((m) => m[1]),
  pattern: new RegExp(`^${template.replace(/:\w+/g, '([^/]+)')}$`),
}));

/** The template that matches a path (no query string), with its parameters decoded. */
export function matchRoute(pathname: string): RouteMatch {
  for (const { template, names, pattern } of COMPILED) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = safeDecode(match[i + 1])));
    return { route: template, params };
  }
  return { route: UNMATCHED_ROUTE, params: {} };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `method` label value: arbitrary client-sent methods collapse into OTHER to keep the label bounded. */
export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}
