import type { z } from 'zod';
import { alertmanagerConfig } from './alertmanager/config';
import { richAlertmanagerConfig } from './alertmanager/example';
import { validateAlertmanagerConfig } from './alertmanager/validate';
import { formatPath, ValidationError } from './errors';
import { grafanaProvisioning, validateGrafanaProvisioning } from './grafana/provisioning';
import { credentialBearingFields, isSecretName, urlCredentialProblem } from './inline-credentials';
import { prometheusConfig, validatePrometheusConfig } from './prometheus/config';
import { richPrometheusConfig } from './prometheus/example';

type Kind = 'url' | 'headers' | 'params';
/** A schema path: object keys, `[]` for every array element, `*` for every record key. */
type Pattern = string[];

/** Every credential-bearing field of a schema, found by walking it (zod 4 definitions). */
function credentialFields(schema: z.core.$ZodType): { pattern: Pattern; kind: Kind }[] {
  const found: { pattern: Pattern; kind: Kind }[] = [];
  const walk = (node: z.core.$ZodType, pattern: Pattern, seen: Set<z.core.$ZodType>): void => {
    if (seen.has(node)) return; // recursive routes
    const meta = credentialBearingFields.get(node);
    if (meta) found.push({ pattern, kind: meta.kind });
    const inner = new Set(seen).add(node);
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    const go = (child: unknown, extra: string[] = []) =>
      walk(child as z.core.$ZodType, [...pattern, ...extra], inner);
    switch (def.type) {
      case 'object':
        for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) go(child, [key]);
        return;
      case 'array':
        return go(def.element, ['[]']);
      case 'record':
        return go(def.valueType, ['*']);
      case 'union':
        for (const option of def.options as unknown[]) go(option);
        return;
      case 'intersection':
        go(def.left);
        return go(def.right);
      case 'pipe':
        go(def.in);
        return go(def.out);
      case 'lazy':
        return go((def.getter as () => unknown)());
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'nonoptional':
      case 'catch':
        return go(def.innerType);
      default:
        return;
    }
  };
  walk(schema, [], new Set());
  return found;
}

/** The concrete raw paths of a value that a pattern matches. */
function locations(value: unknown, pattern: Pattern, at: PropertyKey[] = []): PropertyKey[][] {
  if (pattern.length === 0) return value === undefined ? [] : [at];
  const [head, ...rest] = pattern;
  if (head === '[]')
    return Array.isArray(value) ? value.flatMap((element, i) => locations(element, rest, [...at, i])) : [];
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (head === '*') return entries.flatMap(([key, child]) => locations(child, rest, [...at, key]));
  return locations((value as Record<string, unknown>)[head], rest, [...at, head]);
}

function setAt(root: unknown, path: PropertyKey[], value: unknown): void {
  const parent = path.slice(0, -1).reduce((node, key) => (node as Record<PropertyKey, unknown>)[key], root);
  (parent as Record<PropertyKey, unknown>)[path[path.length - 1]] = value;
}

function getAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce((node, key) => (node as Record<PropertyKey, unknown>)[key], root);
}

/** A harmless value of each kind, to give the example a field it leaves unset. */
const SEED: Record<Kind, unknown> = { url: 'http://proxy.example.org:3128', headers: {}, params: {} };

/**
 * The example with every credential-bearing field set: where an element that can hold the field
 * exists (every array element the pattern needs), missing objects on the way are created. A pattern
 * no element can hold stays unset, and the coverage test names it.
 */
function seeded(example: unknown, fields: { pattern: Pattern; kind: Kind }[]): unknown {
  const value = structuredClone(example);
  for (const { pattern, kind } of fields) {
    if (locations(value, pattern).length > 0) continue;
    const lastArray = pattern.lastIndexOf('[]');
    const starred = pattern.lastIndexOf('*');
    const fixed = Math.max(lastArray, starred) + 1;
    for (const holder of locations(value, pattern.slice(0, fixed))) {
      let node = getAt(value, holder) as Record<string, unknown>;
      for (const key of pattern.slice(fixed, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
      node[pattern[pattern.length - 1]] = structuredClone(SEED[kind]);
    }
  }
  return value;
}

const PASSWORD = 'hunter2-planted';

/** The credentials a user might paste into each kind of field, with the raw path the error must name. */
function plants(
  kind: Kind,
  current: unknown,
  path: PropertyKey[],
): { value: unknown; errorPath: PropertyKey[] }[] {
  if (kind === 'url') {
    const url = new URL(String(current));
    const withUser = new URL(url);
    withUser.username = 'admin';
    withUser.password = PASSWORD;
    const withToken = new URL(url);
    withToken.searchParams.set('access_token', PASSWORD);
    const withKey = new URL(url);
    withKey.searchParams.set('api_key', PASSWORD);
    return [withUser, withToken, withKey].map((planted) => ({ value: planted.toString(), errorPath: path }));
  }
  const name = kind === 'headers' ? 'X-Api-Key' : 'access_token';
  const planted = kind === 'headers' ? PASSWORD : [PASSWORD];
  return [
    { value: { ...(current as object), [name]: planted }, errorPath: [...path, name] },
    { value: { ...(current as object), Authorization: planted }, errorPath: [...path, 'Authorization'] },
  ];
}

const MODELS: {
  name: string;
  schema: z.core.$ZodType;
  example: () => unknown;
  validate: (input: unknown, prefix: string) => unknown;
}[] = [
  {
    name: 'prometheus',
    schema: prometheusConfig,
    example: () => {
      const config = richPrometheusConfig();
      // The rich example finds its Alertmanagers statically; the discovered form has a proxy_url too.
      config.alerting!.alertmanagers!.push({ kubernetes_sd_configs: [{ role: 'pod' }] });
      return config;
    },
    validate: validatePrometheusConfig,
  },
  {
    name: 'alertmanager',
    schema: alertmanagerConfig,
    example: () => richAlertmanagerConfig(),
    validate: validateAlertmanagerConfig,
  },
  {
    name: 'grafana',
    schema: grafanaProvisioning,
    example: () => ({
      datasources: [
        {
          name: 'Prometheus',
          type: 'prometheus',
          uid: 'prom',
          url: 'http://prometheus:9090',
          jsonData: { timeInterval: '15s' },
        },
        { name: 'Alertmanager', type: 'alertmanager', uid: 'am', url: 'http://alertmanager:9093' },
      ],
      providers: [],
    }),
    validate: validateGrafanaProvisioning,
  },
];

describe.each(MODELS)('a credential planted in any URL, header or query parameter of $name', (model) => {
  const fields = credentialFields(model.schema);
  const example = () => seeded(model.example(), fields);

  it('is a field the walk finds, and the example sets every one of them (so none goes untested)', () => {
    expect(fields.length).toBeGreaterThan(0);
    const unset = fields.filter(({ pattern }) => locations(example(), pattern).length === 0);
    expect(unset.map(({ pattern }) => pattern.join('.'))).toEqual([]);
    expect(() => model.validate(example(), model.name)).not.toThrow();
  });

  const cases = fields.flatMap(({ pattern, kind }) =>
    locations(example(), pattern).flatMap((path) =>
      plants(kind, getAt(example(), path), path).map((plant) => ({ kind, path, ...plant })),
    ),
  );

  it.each(cases.map((c) => [`${c.kind} ${formatPath(example(), c.errorPath, model.name)}`, c] as const))(
    'refuses %s, naming that path',
    (_, { path, value, errorPath }) => {
      const input = example();
      setAt(input, path, value);
      let error: unknown;
      try {
        model.validate(input, model.name);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues;
      expect(issues).toContainEqual({
        path: formatPath(input, errorPath, model.name),
        message: expect.stringMatching(/credential/),
      });
      expect(JSON.stringify(issues)).not.toContain(PASSWORD);
    },
  );
});

describe('what counts as a credential', () => {
  it.each([
    'Authorization',
    'proxy-authorization',
    'X-Api-Key',
    'apikey',
    'access_token',
    'client_secret',
    'sig',
    'key',
    'Cookie',
    'X-Auth-Token',
    'password',
  ])('the name %s', (name) => expect(isSecretName(name)).toBe(true));
  it.each(['X-Scope-OrgID', 'Subject', 'X-Team', 'module', 'target', 'format', 'keyboard'])(
    'not the name %s',
    (name) => expect(isSecretName(name)).toBe(false),
  );
  it('finds user info and token parameters, and nothing in a plain URL', () => {
    expect(urlCredentialProblem('https://u:p@example.org/')).toMatch(/user or password/);
    expect(urlCredentialProblem('https://u@example.org/')).toMatch(/user or password/);
    expect(urlCredentialProblem('https://example.org/hook?token=x&a=1')).toMatch(/"token"/);
    expect(urlCredentialProblem('https://example.org/hook?team=shop')).toBeUndefined();
  });
});

describe('mail header injection', () => {
  const emailOf = (config: ReturnType<typeof richAlertmanagerConfig>) =>
    config.receivers!.find((r) => r.name === 'default-email')!.email_configs![0];

  it.each([
    [
      'to',
      'oncall@example.org\r\nBcc: attacker@example.net',
      'alertmanager.receivers[default-email].email_configs[0].to',
    ],
    [
      'from',
      'alerts@example.org\nBcc: attacker@example.net',
      'alertmanager.receivers[default-email].email_configs[0].from',
    ],
  ] as const)('refuses a line break in %s', (field, value, path) => {
    const config = richAlertmanagerConfig();
    emailOf(config)[field] = value;
    expect(() => validateAlertmanagerConfig(config, 'alertmanager')).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([{ path, message: expect.stringMatching(/line break/) }]),
      }),
    );
  });

  it('refuses a line break in a header value', () => {
    const config = richAlertmanagerConfig();
    emailOf(config).headers = { 'X-Team': 'platform\r\nBcc: attacker@example.net' };
    expect(() => validateAlertmanagerConfig(config, 'alertmanager')).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          {
            path: 'alertmanager.receivers[default-email].email_configs[0].headers.X-Team',
            message: expect.stringMatching(/line break/),
          },
        ]),
      }),
    );
  });
});
