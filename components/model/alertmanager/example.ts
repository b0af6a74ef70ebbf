import type { AlertmanagerConfigInput } from './config';

/**
 * A config that uses every part of the model: each receiver type, nested routes with `continue`, time
 * intervals, inhibit rules, templates and secrets. Tests prove it with amtool; it also reads as the
 * reference example of how a stack writes its Alertmanager setup.
 *
 * Routing, top to bottom (first match wins unless `continue`):
 *   Watchdog / InfoInhibitor        → null (dropped)
 *   severity=critical               → pagerduty-oncall, and go on
 *   severity=critical|warning       → slack-ops, and go on (muted in the maintenance window)
 *   team=payments                   → opsgenie-payments for critical in business hours, else teams-payments
 *   team=infra outside dev          → telegram-infra
 *   audit=true                      → webhook-audit
 *   anything else                   → default-email
 */
export function richAlertmanagerConfig(
  templatesDir = '/etc/alertmanager/templates',
): AlertmanagerConfigInput {
  return {
    global: {
      resolve_timeout: '5m',
      smtp_from: 'Alertmanager <alertmanager@example.org>',
      smtp_smarthost: 'smtp.example.org:587',
      smtp_hello: 'alertmanager.example.org',
      smtp_auth_username: 'alertmanager',
      smtp_auth_password_file: { secret: 'smtp-password' },
      smtp_auth_secret_file: { secret: 'smtp-secret' },
      smtp_require_tls: true,
      slack_api_url_file: { secret: 'slack-webhook-url' },
      pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
      opsgenie_api_url: 'https://api.eu.opsgenie.com/',
      opsgenie_api_key_file: { secret: 'opsgenie-api-key' },
      telegram_api_url: 'https://api.telegram.org',
      telegram_bot_token_file: { secret: 'telegram-bot-token' },
      http_config: { follow_redirects: true, enable_http2: true },
    },
    templates: [`${templatesDir}/*.tmpl`],
    route: {
      receiver: 'default-email',
      group_by: ['namespace', 'alertname', 'cluster'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        { receiver: 'null', matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        {
          receiver: 'pagerduty-oncall',
          matchers: ['severity="critical"'],
          continue: true,
          group_wait: '10s',
        },
        {
          receiver: 'slack-ops',
          matchers: ['severity=~"critical|warning"'],
          continue: true,
          mute_time_intervals: ['maintenance-window'],
        },
        {
          matchers: ['team = payments'],
          group_by: ['...'],
          routes: [
            {
              receiver: 'opsgenie-payments',
              matchers: ['severity="critical"'],
              active_time_intervals: ['business-hours'],
            },
            { receiver: 'teams-payments', repeat_interval: '12h' },
          ],
        },
        { receiver: 'telegram-infra', matchers: ['team="infra"', 'env!="dev"'] },
        { receiver: 'webhook-audit', matchers: ['audit="true"'] },
      ],
    },
    receivers: [
      {
        name: 'default-email',
        email_configs: [
          {
            to: 'oncall@example.org',
            send_resolved: true,
            headers: { Subject: '{{ template "email.promstack.subject" . }}', 'X-Team': 'platform' },
          },
          {
            to: 'archive@example.org',
            from: 'archive-bot@example.org',
            smarthost: 'mail.internal:25',
            auth_username: 'archive',
            auth_password_file: { secret: 'archive-smtp-password' },
            require_tls: false,
          },
        ],
      },
      { name: 'null' },
      {
        name: 'pagerduty-oncall',
        pagerduty_configs: [
          {
            routing_key_file: { secret: 'pagerduty-routing-key' },
            severity: '{{ .CommonLabels.severity }}',
            description: '{{ .CommonAnnotations.summary }}',
            details: { namespace: '{{ .CommonLabels.namespace }}', firing: '{{ .Alerts.Firing | len }}' },
            links: [{ href: 'https://grafana.example.org/d/alerts', text: 'Dashboard' }],
          },
        ],
      },
      {
        name: 'slack-ops',
        slack_configs: [
          {
            channel: '#ops-alerts',
            send_resolved: true,
            title: '{{ template "slack.promstack.title" . }}',
            text: '{{ range .Alerts }}{{ .Annotations.description }}\n{{ end }}',
            color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
            fields: [{ title: 'Severity', value: '{{ .CommonLabels.severity }}', short: true }],
            actions: [{ type: 'button', text: 'Runbook', url: 'https://runbooks.example.org/' }],
          },
        ],
      },
      {
        name: 'opsgenie-payments',
        opsgenie_configs: [
          {
            message: '{{ .CommonLabels.alertname }}',
            priority: 'P1',
            responders: [{ type: 'team', name: 'payments' }],
            details: { service: 'payments' },
            tags: 'payments,critical',
          },
        ],
      },
      {
        name: 'teams-payments',
        msteams_configs: [
          { webhook_url_file: { secret: 'teams-payments-webhook' }, title: 'Payments alert' },
        ],
        msteamsv2_configs: [{ webhook_url_file: { secret: 'teams-payments-workflow' } }],
      },
      {
        name: 'telegram-infra',
        telegram_configs: [
          {
            bot_token_file: { secret: 'telegram-bot-token' },
            chat_id: -1001234567890,
            parse_mode: 'HTML',
            disable_notifications: false,
          },
        ],
      },
      {
        name: 'webhook-audit',
        webhook_configs: [
          { url: 'http://audit-log.monitoring.svc:8080/alerts', max_alerts: 20, timeout: '10s' },
          {
            url_file: { secret: 'incident-webhook-url' },
            http_config: { authorization: { credentials_file: { secret: 'incident-token' } } },
          },
        ],
      },
    ],
    inhibit_rules: [
      {
        name: 'critical-silences-lower',
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ['namespace', 'alertname'],
      },
      {
        source_matchers: ['alertname="InfoInhibitor"'],
        target_matchers: ['severity="info"'],
        equal: ['namespace'],
      },
    ],
    time_intervals: [
      {
        name: 'business-hours',
        time_intervals: [
          {
            times: [{ start_time: '09:00', end_time: '17:30' }],
            weekdays: ['monday:friday'],
            location: 'Europe/Berlin',
          },
        ],
      },
      {
        name: 'maintenance-window',
        time_intervals: [
          { weekdays: ['Sunday'], times: [{ start_time: '02:00', end_time: '04:00' }] },
          { days_of_month: ['-1'], months: ['january:march', '10:12'], years: ['2025:2030'] },
        ],
      },
    ],
  };
}
