import { parse } from 'yaml';
import { ValidationError } from '../errors';
import { richAlertmanagerConfig } from './example';
import { renderAlertmanagerConfig, validateAlertmanagerConfig, type AlertmanagerConfigInput } from './index';

const SECRETS_DIR = '/run/secrets/alertmanager';
const render = (input: AlertmanagerConfigInput) =>
  renderAlertmanagerConfig(input, { secretsDir: SECRETS_DIR });

/** Lists whose order carries no meaning; everything else (receivers, routes, ranges) keeps its order. */
const SET_KEYS = new Set([
  'matchers',
  'source_matchers',
  'target_matchers',
  'group_by',
  'equal',
  'mute_time_intervals',
]);

/** A deep copy with every object's keys in reverse order and every set-like list reversed. */
function reversed(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => reversed(item));
    return SET_KEYS.has(key) ? items.reverse() : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reversed(v, k)]));
}

/** Every object in parsed YAML that looks like a secret reference. */
function secretObjects(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(secretObjects);
  if (value === null || typeof value !== 'object') return [];
  const own = 'secret' in value ? [value] : [];
  return [...own, ...Object.values(value).flatMap(secretObjects)];
}

describe('deterministic rendering', () => {
  it('renders the same bytes twice', () => {
    const first = render(richAlertmanagerConfig());
    const again = render(richAlertmanagerConfig());
    expect(Buffer.from(again.yaml)).toEqual(Buffer.from(first.yaml));
    expect(again.secrets).toEqual(first.secrets);
  });

  it('does not depend on input key order, label map order or matcher order', () => {
    const input = richAlertmanagerConfig();
    const shuffled = reversed(input) as AlertmanagerConfigInput;
    // The copy really is in another order, or this test would prove nothing.
    expect(Object.keys(shuffled)).toEqual(Object.keys(input).reverse());
    expect(shuffled.route.routes![4].matchers).toEqual(['env!="dev"', 'team="infra"']);
    expect(render(shuffled).yaml).toBe(render(input).yaml);
  });

  it('sorts label maps and sets by code unit, never by locale', () => {
    const input = richAlertmanagerConfig();
    input.route.routes![4].matchers = ['zone="b"', 'Zone="a"', 'team="infra"', 'env!="dev"', 'team="infra"'];
    input.receivers.find((r) => r.name === 'pagerduty-oncall')!.pagerduty_configs![0].details = {
      b: '2',
      B: '1',
      a: '3',
    };
    const { yaml } = render(input);
    expect(yaml).toContain('- Zone="a"\n        - env!="dev"\n        - team="infra"\n        - zone="b"\n');
    expect(yaml).toContain('details:\n          B: "1"\n          a: "3"\n          b: "2"\n');
  });

  it('writes canonical matchers whatever spelling they came in', () => {
    const spelled = richAlertmanagerConfig();
    spelled.route.routes![1].matchers = ['  severity = critical '];
    expect(render(spelled).yaml).toBe(render(richAlertmanagerConfig()).yaml);
  });
});

describe('secrets', () => {
  const { yaml, secrets } = render(richAlertmanagerConfig());

  it('renders only file paths for secrets, never a { secret } object', () => {
    expect(secretObjects(parse(yaml))).toEqual([]);
    expect(yaml).not.toMatch(/^\s*-?\s*secret:/m);
    expect(yaml).not.toContain('{secret');
    for (const name of secrets) expect(yaml).toContain(`${SECRETS_DIR}/${name}`);
    expect(yaml).toContain(`slack_api_url_file: ${SECRETS_DIR}/slack-webhook-url\n`);
    expect(yaml).toContain(`routing_key_file: ${SECRETS_DIR}/pagerduty-routing-key\n`);
    expect(yaml).toContain(`bot_token_file: ${SECRETS_DIR}/telegram-bot-token\n`);
    expect(yaml).toContain(`webhook_url_file: ${SECRETS_DIR}/teams-payments-webhook\n`);
    expect(yaml).toContain(`url_file: ${SECRETS_DIR}/incident-webhook-url\n`);
  });

  it('has no field that could carry a credential inline', () => {
    const rendered = parse(yaml) as unknown;
    const keys = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          keys.add(key);
          collect(child);
        }
      }
    };
    collect(rendered);
    const inline = ['password', 'auth_password', 'smtp_auth_password', 'api_url', 'slack_api_url', 'api_key'];
    const more = [
      'opsgenie_api_key',
      'routing_key',
      'service_key',
      'webhook_url',
      'bot_token',
      'credentials',
    ];
    expect([...inline, ...more].filter((key) => keys.has(key))).toEqual([]);
  });

  type Target = (c: AlertmanagerConfigInput) => object;
  const global: Target = (c) => c.global!;
  /** One config in an integration list of a named receiver. */
  const integration =
    (name: string, list: string, index = 0): Target =>
    (c) =>
      (c.receivers.find((r) => r.name === name) as unknown as Record<string, object[]>)[list][index];

  it.each<[string, string, Target]>([
    ['global', 'smtp_auth_password', global],
    ['global', 'slack_api_url', global],
    ['global', 'opsgenie_api_key', global],
    ['email', 'auth_password', integration('default-email', 'email_configs', 1)],
    ['slack', 'api_url', integration('slack-ops', 'slack_configs')],
    ['pagerduty', 'routing_key', integration('pagerduty-oncall', 'pagerduty_configs')],
    ['pagerduty', 'service_key', integration('pagerduty-oncall', 'pagerduty_configs')],
    ['opsgenie', 'api_key', integration('opsgenie-payments', 'opsgenie_configs')],
    ['msteams', 'webhook_url', integration('teams-payments', 'msteams_configs')],
    ['msteamsv2', 'webhook_url', integration('teams-payments', 'msteamsv2_configs')],
    ['telegram', 'bot_token', integration('telegram-infra', 'telegram_configs')],
  ])('refuses an inline %s %s', (_where, field, target) => {
    const input = richAlertmanagerConfig();
    (target(input) as Record<string, unknown>)[field] = 'hunter2-not-a-file';
    expect(() => validateAlertmanagerConfig(input)).toThrow(new RegExp(`unknown field "${field}"`));
  });

  it('refuses a secret value put where a file path belongs', () => {
    const input = richAlertmanagerConfig();
    input.global!.slack_api_url_file = 'https://hooks.slack.com/services/T000/B000/XXXX';
    expect(() => render(input)).toThrow(ValidationError);
    expect(() => render(input)).toThrow(/global\.slack_api_url_file: must be an absolute file path/);
  });

  it('needs an absolute secrets folder', () => {
    expect(() => renderAlertmanagerConfig(richAlertmanagerConfig(), { secretsDir: 'secrets' })).toThrow(
      /secretsDir: must be an absolute folder path/,
    );
  });
});
