import { ValidationError, type ValidationIssue } from '../errors';
import { richAlertmanagerConfig } from './example';
import {
  validateAlertmanagerConfig,
  type AlertmanagerConfigInput,
  type ReceiverInput,
  type RouteInput,
} from './index';

type Config = AlertmanagerConfigInput;
type Loose = Record<string, unknown>;

const receiver = (c: Config, name: string): ReceiverInput => c.receivers.find((r) => r.name === name)!;
/** The route at `route.routes[i].routes[j]…`. */
const route = (c: Config, ...path: number[]): RouteInput =>
  path.reduce<RouteInput>((node, i) => node.routes![i], c.route as RouteInput);
const loose = (value: object): Loose => value as Loose;

/** Every issue of validating `input`; fails the test when the input is accepted. */
function issuesOf(input: unknown): readonly ValidationIssue[] {
  try {
    validateAlertmanagerConfig(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('the input was accepted');
}

type Case = [description: string, mutate: (c: Config) => void, path: string, message: RegExp];

const badInputs: Case[] = [
  [
    'sub-route names an undefined receiver',
    (c) => (route(c, 3, 1).receiver = 'team-x'),
    'route.routes[3].routes[1].receiver',
    /^receiver "team-x" is not defined; define it under receivers or fix the name \(known: default-email, null, opsgenie-payments, pagerduty-oncall, slack-ops, teams-payments, telegram-infra, webhook-audit\)$/,
  ],
  [
    'root names an undefined receiver',
    (c) => (c.route.receiver = 'default-mail'),
    'route.receiver',
    /receiver "default-mail" is not defined/,
  ],
  [
    'route mutes with an undefined time interval',
    (c) => (route(c, 2).mute_time_intervals = ['weekend']),
    'route.routes[2].mute_time_intervals[0]',
    /^time interval "weekend" is not defined; define it under time_intervals or fix the name \(known: business-hours, maintenance-window\)$/,
  ],
  [
    'nested route activates with an undefined time interval',
    (c) => (route(c, 3, 0).active_time_intervals = ['office-hours']),
    'route.routes[3].routes[0].active_time_intervals[0]',
    /time interval "office-hours" is not defined/,
  ],
  [
    'duplicate receiver name',
    (c) => c.receivers.push({ name: 'slack-ops' }),
    'receivers[slack-ops].name',
    /receiver name "slack-ops" is used more than once/,
  ],
  [
    'duplicate time interval name',
    (c) => c.time_intervals!.push({ name: 'business-hours', time_intervals: [{}] }),
    'time_intervals[business-hours].name',
    /time interval name "business-hours" is used more than once/,
  ],
  ['malformed duration', (c) => (c.route.group_wait = '30 s'), 'route.group_wait', /invalid duration "30 s"/],
  [
    'zero repeat interval',
    (c) => (route(c, 3, 1).repeat_interval = '0s'),
    'route.routes[3].routes[1].repeat_interval',
    /^must be greater than zero$/,
  ],
  [
    'unquoted matcher value with a space',
    (c) => (route(c, 1).matchers = ['severity=very critical']),
    'route.routes[1].matchers[0]',
    /invalid matcher "severity=very critical": unexpected "critical" at column 15/,
  ],
  [
    'matcher regex that does not compile',
    (c) => (route(c, 0).matchers = ['alertname=~"Watchdog|(Info"']),
    'route.routes[0].matchers[0]',
    /invalid regular expression "Watchdog\|\(Info"/,
  ],
  [
    'look-ahead in an inhibit matcher',
    (c) => (c.inhibit_rules![0].source_matchers = ['severity=~"(?!info)"']),
    'inhibit_rules[critical-silences-lower].source_matchers[0]',
    /invalid or unsupported Perl syntax: `\(\?!`/,
  ],
  [
    'two matchers in one string',
    (c) => (route(c, 4).matchers = ['team="infra", env!="dev"']),
    'route.routes[4].matchers[0]',
    /one matcher per list element/,
  ],
  [
    'inhibit rule without source matchers',
    (c) => (c.inhibit_rules![1].source_matchers = []),
    'inhibit_rules[1].source_matchers',
    /needs at least one source matcher/,
  ],
  [
    'matchers on the root route',
    (c) => (loose(c.route).matchers = ['severity="critical"']),
    'route.matchers',
    /the root route takes every alert: move matchers to a route under routes/,
  ],
  [
    'root route without receiver',
    (c) => delete loose(c.route).receiver,
    'route.receiver',
    /needs a default receiver: set receiver/,
  ],
  [
    'time interval on the root route',
    (c) => (loose(c.route).mute_time_intervals = ['maintenance-window']),
    'route.mute_time_intervals',
    /move mute_time_intervals to a route under routes/,
  ],
  [
    "group_by mixing '...' with labels",
    (c) => (route(c, 3).group_by = ['...', 'alertname']),
    'route.routes[3].group_by',
    /'...' already groups by every label: use it alone/,
  ],
  [
    'deprecated match on a route',
    (c) => (loose(route(c, 0)).match = { alertname: 'Watchdog' }),
    'route.routes[0]',
    /unknown field "match"/,
  ],
  [
    'SMTP relay port out of range',
    (c) => (c.global!.smtp_smarthost = 'smtp.example.org:70000'),
    'global.smtp_smarthost',
    /port from 1 to 65535/,
  ],
  [
    'relative PagerDuty URL',
    (c) => (c.global!.pagerduty_url = 'events.pagerduty.com/v2/enqueue'),
    'global.pagerduty_url',
    /write an absolute http:\/\/ or https:\/\/ URL/,
  ],
  [
    'invalid secret name',
    (c) => (receiver(c, 'slack-ops').slack_configs![0].api_url_file = { secret: 'Slack_URL!' }),
    'receivers[slack-ops].slack_configs[0].api_url_file.secret',
    /invalid secret name "Slack_URL!"/,
  ],
  [
    'credential given inline instead of as a file',
    (c) => (receiver(c, 'pagerduty-oncall').pagerduty_configs![0].routing_key_file = 'R0UT1NGK3Y'),
    'receivers[pagerduty-oncall].pagerduty_configs[0].routing_key_file',
    /must be an absolute file path/,
  ],
  [
    'email without to',
    (c) => delete loose(receiver(c, 'default-email').email_configs![0]).to,
    'receivers[default-email].email_configs[0].to',
    /missing: set to/,
  ],
  [
    'email without sender anywhere',
    (c) => delete c.global!.smtp_from,
    'receivers[default-email].email_configs[0].from',
    /the sender address is not set: set from here or smtp_from under global/,
  ],
  [
    'SMTP password without user name',
    (c) => delete c.global!.smtp_auth_username,
    'receivers[default-email].email_configs[0].auth_username',
    /SMTP password is set but no user name/,
  ],
  [
    'mail headers differing only in case',
    (c) => (receiver(c, 'default-email').email_configs![0].headers = { Subject: 'a', subject: 'b' }),
    'receivers[default-email].email_configs[0].headers.subject',
    /header names ignore case/,
  ],
  [
    'slack config without channel',
    (c) => delete loose(receiver(c, 'slack-ops').slack_configs![0]).channel,
    'receivers[slack-ops].slack_configs[0].channel',
    /missing: set it to the channel/,
  ],
  [
    'slack webhook URL nowhere',
    (c) => delete c.global!.slack_api_url_file,
    'receivers[slack-ops].slack_configs[0].api_url_file',
    /the Slack webhook URL is not set: set api_url_file here or slack_api_url_file under global/,
  ],
  [
    'slack api_url inline',
    (c) =>
      (loose(receiver(c, 'slack-ops').slack_configs![0]).api_url = 'https://hooks.slack.com/services/T/B/x'),
    'receivers[slack-ops].slack_configs[0]',
    /unknown field "api_url"/,
  ],
  [
    'opsgenie key nowhere',
    (c) => delete c.global!.opsgenie_api_key_file,
    'receivers[opsgenie-payments].opsgenie_configs[0].api_key_file',
    /the Opsgenie API key is not set/,
  ],
  [
    'opsgenie responder of unknown type',
    (c) =>
      (receiver(c, 'opsgenie-payments').opsgenie_configs![0].responders = [{ type: 'squad', name: 'x' }]),
    'receivers[opsgenie-payments].opsgenie_configs[0].responders[x].type',
    /invalid responder type "squad"/,
  ],
  [
    'pagerduty without integration key',
    (c) => delete receiver(c, 'pagerduty-oncall').pagerduty_configs![0].routing_key_file,
    'receivers[pagerduty-oncall].pagerduty_configs[0].routing_key_file',
    /set routing_key_file or service_key_file/,
  ],
  [
    'teams webhook URL inline',
    (c) =>
      (loose(receiver(c, 'teams-payments').msteams_configs![0]).webhook_url = 'https://outlook.office.com/x'),
    'receivers[teams-payments].msteams_configs[0]',
    /unknown field "webhook_url"/,
  ],
  [
    'telegram chat id as text',
    (c) => (loose(receiver(c, 'telegram-infra').telegram_configs![0]).chat_id = '@infra'),
    'receivers[telegram-infra].telegram_configs[0].chat_id',
    /must be the numeric chat id/,
  ],
  [
    'telegram bot token inline',
    (c) => (loose(receiver(c, 'telegram-infra').telegram_configs![0]).bot_token = '123:abc'),
    'receivers[telegram-infra].telegram_configs[0]',
    /unknown field "bot_token"/,
  ],
  [
    'webhook with both url and url_file',
    (c) => (receiver(c, 'webhook-audit').webhook_configs![0].url_file = { secret: 'audit-url' }),
    'receivers[webhook-audit].webhook_configs[0].url',
    /set only one of url and url_file/,
  ],
  [
    'webhook URL without scheme',
    (c) => (receiver(c, 'webhook-audit').webhook_configs![0].url = 'audit-log:8080/alerts'),
    'receivers[webhook-audit].webhook_configs[0].url',
    /invalid URL "audit-log:8080\/alerts"/,
  ],
  [
    'receiver http_config with two kinds of auth',
    (c) =>
      (receiver(c, 'webhook-audit').webhook_configs![1].http_config!.basic_auth = {
        username: 'u',
        password_file: '/run/p',
      }),
    'receivers[webhook-audit].webhook_configs[1].http_config',
    /mutually exclusive/,
  ],
  [
    'time range ending before it starts',
    (c) => (c.time_intervals![0].time_intervals[0].times = [{ start_time: '18:00', end_time: '09:00' }]),
    'time_intervals[business-hours].time_intervals[0].times[0].end_time',
    /end_time must be after start_time/,
  ],
  [
    'time without leading zero',
    (c) => (c.time_intervals![0].time_intervals[0].times = [{ start_time: '9:00', end_time: '17:00' }]),
    'time_intervals[business-hours].time_intervals[0].times[0].start_time',
    /invalid time "9:00": write HH:MM/,
  ],
  [
    'unknown weekday',
    (c) => (c.time_intervals![0].time_intervals[0].weekdays = ['monday:fryday']),
    'time_intervals[business-hours].time_intervals[0].weekdays[0]',
    /invalid weekday range "monday:fryday"/,
  ],
  [
    'day-of-month range from a negative to a positive day',
    (c) => (c.time_intervals![1].time_intervals[1].days_of_month = ['-3:5']),
    'time_intervals[maintenance-window].time_intervals[1].days_of_month[0]',
    /a negative start day needs a negative end day/,
  ],
  [
    'month 13',
    (c) => (c.time_intervals![1].time_intervals[1].months = ['11:13']),
    'time_intervals[maintenance-window].time_intervals[1].months[0]',
    /invalid month range "11:13"/,
  ],
  [
    'unknown time zone',
    (c) => (c.time_intervals![0].time_intervals[0].location = 'Europe/Atlantis'),
    'time_intervals[business-hours].time_intervals[0].location',
    /unknown time zone/,
  ],
  [
    'time zone in the wrong case',
    (c) => (c.time_intervals![0].time_intervals[0].location = 'europe/berlin'),
    'time_intervals[business-hours].time_intervals[0].location',
    /write it as Europe\/Berlin/,
  ],
  [
    'template glob with an open bracket',
    (c) => (c.templates = ['/etc/alertmanager/templates/[a-z.tmpl']),
    'templates[0]',
    /a \[ character class is not closed/,
  ],
  [
    'bad label in inhibit equal',
    (c) => (c.inhibit_rules![0].equal = ['name-space']),
    'inhibit_rules[critical-silences-lower].equal[0]',
    /invalid label name "name-space"/,
  ],
  [
    'duplicate inhibit rule name',
    (c) => (c.inhibit_rules![1].name = 'critical-silences-lower'),
    'inhibit_rules[critical-silences-lower].name',
    /inhibit rule name "critical-silences-lower" is used more than once/,
  ],
];

describe('validateAlertmanagerConfig', () => {
  it('accepts the rich example', () => {
    expect(() => validateAlertmanagerConfig(richAlertmanagerConfig())).not.toThrow();
  });

  it('has a large table of distinct bad inputs', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(20);
    expect(new Set(badInputs.map(([description]) => description)).size).toBe(badInputs.length);
  });

  it.each(badInputs)('rejects %s', (_description, mutate, path, message) => {
    const config = richAlertmanagerConfig();
    mutate(config);
    const issues = issuesOf(config);
    const atPath = issues.filter((issue) => issue.path === path);
    expect({ path, messages: atPath.map((issue) => issue.message) }).toEqual({
      path,
      messages: expect.arrayContaining([expect.stringMatching(message)]),
    });
  });

  it('reports every problem in one error, field checks and cross-references alike', () => {
    const config = richAlertmanagerConfig();
    route(config, 3, 1).receiver = 'team-x';
    config.route.group_wait = 'soon';
    route(config, 1).matchers = ['severity=~"("'];
    removeFirstMailRecipient(config);
    config.receivers.push({ name: 'null' });
    let error: unknown;
    try {
      validateAlertmanagerConfig(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      'receivers[default-email].email_configs[0].to',
      'receivers[null].name',
      'route.group_wait',
      'route.routes[1].matchers[0]',
      'route.routes[3].routes[1].receiver',
    ]);
    expect((error as ValidationError).message).toMatch(
      /^5 validation errors:\n {2}receivers\[default-email\]/,
    );
  });

  it('normalises what it accepts: canonical matchers, sorted sets, lower-case ranges', () => {
    const config = validateAlertmanagerConfig(richAlertmanagerConfig());
    expect(config.route.group_by).toEqual(['alertname', 'cluster', 'namespace']);
    expect(config.route.routes![3].matchers).toEqual(['team="payments"']);
    expect(config.route.routes![4].matchers).toEqual(['env!="dev"', 'team="infra"']);
    expect(config.time_intervals![1].time_intervals[0].weekdays).toEqual(['sunday']);
  });
});

function removeFirstMailRecipient(config: Config): void {
  delete loose(receiver(config, 'default-email').email_configs![0]).to;
}
