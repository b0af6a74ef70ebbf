import { compareText, formatPath, type ValidationIssue } from '../errors';

type Fields = Record<string, unknown>;
type Segment = string | number;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const isName = (value: unknown): value is string => typeof value === 'string' && value !== '';
const quote = (text: string) => JSON.stringify(text);

/**
 * Problems between parts of a config that no single field shows: names that are defined twice or used
 * but never defined, and integrations that lean on a `global` default that is not set. Works on the raw
 * input, skipping whatever has the wrong shape (the schema reports that), so that these problems are
 * reported in the same pass as field errors.
 */
export function crossReferenceIssues(input: unknown, prefix = ''): ValidationIssue[] {
  if (!isRecord(input)) return [];
  const issues: ValidationIssue[] = [];
  const add = (path: Segment[], message: string) =>
    issues.push({ path: formatPath(input, path, prefix), message });

  const receivers = definedNames(input, 'receivers', 'receiver', add);
  const intervals = definedNames(input, 'time_intervals', 'time interval', add);
  definedNames(input, 'inhibit_rules', 'inhibit rule', add);

  const known = (names: Set<string>) => (names.size ? [...names].sort(compareText).join(', ') : 'none');
  const checkRoute = (route: unknown, path: Segment[]): void => {
    if (!isRecord(route)) return;
    if (isName(route.receiver) && !receivers.has(route.receiver)) {
      add(
        [...path, 'receiver'],
        `receiver ${quote(route.receiver)} is not defined; define it under receivers or fix the name (known: ${known(receivers)})`,
      );
    }
    for (const field of ['mute_time_intervals', 'active_time_intervals']) {
      list(route[field]).forEach((name, i) => {
        if (isName(name) && !intervals.has(name)) {
          add(
            [...path, field, i],
            `time interval ${quote(name)} is not defined; define it under time_intervals or fix the name (known: ${known(intervals)})`,
          );
        }
      });
    }
    list(route.routes).forEach((child, i) => checkRoute(child, [...path, 'routes', i]));
  };
  checkRoute(input.route, ['route']);

  checkGlobalFallbacks(input, add);
  return issues;
}

/** The names defined in a list of named objects; every name defined more than once is reported. */
function definedNames(
  input: Fields,
  key: string,
  what: string,
  add: (path: Segment[], message: string) => void,
): Set<string> {
  const seen = new Map<string, number>();
  list(input[key]).forEach((item, i) => {
    if (!isRecord(item) || !isName(item.name)) return;
    const count = (seen.get(item.name) ?? 0) + 1;
    seen.set(item.name, count);
    if (count === 2)
      add([key, i, 'name'], `${what} name ${quote(item.name)} is used more than once: make each unique`);
  });
  return new Set(seen.keys());
}

/** Integrations whose required settings may come from `global` instead, and are set in neither. */
function checkGlobalFallbacks(input: Fields, add: (path: Segment[], message: string) => void): void {
  const global = isRecord(input.global) ? input.global : {};
  const fallback = (
    config: Fields,
    path: Segment[],
    field: string,
    globalField: string,
    what: string,
  ): void => {
    if (config[field] === undefined && global[globalField] === undefined) {
      add([...path, field], `${what} is not set: set ${field} here or ${globalField} under global`);
    }
  };
  list(input.receivers).forEach((receiver, r) => {
    if (!isRecord(receiver)) return;
    const each = (key: string, check: (config: Fields, path: Segment[]) => void) =>
      list(receiver[key]).forEach((config, i) => {
        if (isRecord(config)) check(config, ['receivers', r, key, i]);
      });
    each('email_configs', (config, path) => {
      fallback(config, path, 'from', 'smtp_from', 'the sender address');
      fallback(config, path, 'smarthost', 'smtp_smarthost', 'the SMTP relay (host:port)');
      // Alertmanager takes the password from global only when the config has none of its own.
      const password = config.auth_password_file ?? global.smtp_auth_password_file;
      const username = config.auth_username ?? global.smtp_auth_username;
      if (password !== undefined && username === undefined) {
        add(
          [...path, 'auth_username'],
          'an SMTP password is set but no user name, so it is never sent: set auth_username here or smtp_auth_username under global',
        );
      }
    });
    each('slack_configs', (config, path) =>
      fallback(config, path, 'api_url_file', 'slack_api_url_file', 'the Slack webhook URL'),
    );
    each('opsgenie_configs', (config, path) =>
      fallback(config, path, 'api_key_file', 'opsgenie_api_key_file', 'the Opsgenie API key'),
    );
  });
}
