import { goQuotedEnd, goUnquote } from '../../model/go-strings';
import type { AlertStatus, NotifiedAlert } from './types';

const BEGIN = '-- promstack drill --';
const END = '-- end promstack drill --';

/**
 * An Alertmanager template that writes a notification so that a program can read it back: one line
 * per fact, every name and value Go-quoted (`printf "%q"`), so that no label value, however odd, can
 * break a line or fake another. Appended to the Slack and e-mail text of the drill's receivers and put
 * in a PagerDuty detail, after whatever the stack's own templates write.
 */
export const DRILL_TEXT = `${BEGIN}
status {{ printf "%q" .Status }}
receiver {{ printf "%q" .Receiver }}
{{ range .Alerts }}alert {{ printf "%q" .Status }}
{{ range .Labels.SortedPairs }}label {{ printf "%q" .Name }} {{ printf "%q" .Value }}
{{ end }}{{ range .Annotations.SortedPairs }}annotation {{ printf "%q" .Name }} {{ printf "%q" .Value }}
{{ end }}{{ end }}${END}`;

export interface DrillText {
  status: AlertStatus;
  receiver: string;
  alerts: NotifiedAlert[];
}

/** Reads the DRILL_TEXT block out of a message; undefined when the message has none or it is damaged. */
export function parseDrillText(text: string): DrillText | undefined {
  const lines = text.split(/\r?\n/);
  const begin = lines.indexOf(BEGIN);
  const end = lines.indexOf(END, begin + 1);
  if (begin === -1 || end === -1) return undefined;
  let status: AlertStatus | undefined;
  let receiver: string | undefined;
  const alerts: NotifiedAlert[] = [];
  for (const line of lines.slice(begin + 1, end)) {
    const space = line.indexOf(' ');
    const values = space === -1 ? undefined : readQuotedWords(line.slice(space + 1));
    if (!values) return undefined;
    const [first, second] = values;
    const current = alerts[alerts.length - 1];
    switch (`${line.slice(0, space)}/${values.length}`) {
      case 'status/1':
        if (!isStatus(first)) return undefined;
        status = first;
        break;
      case 'receiver/1':
        receiver = first;
        break;
      case 'alert/1':
        if (!isStatus(first)) return undefined;
        alerts.push({ alertname: '', labels: {}, annotations: {}, status: first });
        break;
      case 'label/2':
        if (!current) return undefined;
        current.labels[first] = second;
        if (first === 'alertname') current.alertname = second;
        break;
      case 'annotation/2':
        if (!current) return undefined;
        current.annotations[first] = second;
        break;
      default:
        return undefined;
    }
  }
  if (!status || receiver === undefined) return undefined;
  return { status, receiver, alerts };
}

/** `[FIRING:2] …` or `[RESOLVED] …`, the start of promstack.title and of Alertmanager's default titles. */
export function statusOfTitle(title: string): AlertStatus | undefined {
  const match = /^\s*\[(FIRING|RESOLVED)(:\d+)?\]/.exec(title);
  return match ? (match[1] === 'FIRING' ? 'firing' : 'resolved') : undefined;
}

/**
 * Best-effort reading of promstack.text (synth.ts NOTIFICATION_TEMPLATE): per alert the summary line,
 * the description lines, `Runbook: <url>` and `Dashboard: <url>` lines when the alert has those links,
 * `  name=value` label lines and a blank line. It carries no per-alert status,
 * so every alert gets the notification's `status`; a label value with a line break is cut there.
 */
export function parsePromstackText(text: string, status: AlertStatus): NotifiedAlert[] {
  const alerts: NotifiedAlert[] = [];
  let head: string[] = [];
  let labels: Record<string, string> = {};
  const finish = () => {
    if (Object.keys(labels).length > 0) {
      while (head.length > 1 && head[head.length - 1] === '') head.pop();
      const annotations: Record<string, string> = {};
      // The runbook and dashboard lines follow the description (at its end, never inside it).
      for (const [prefix, name] of [
        ['Dashboard: ', 'dashboard_url'],
        ['Runbook: ', 'runbook_url'],
      ] as const) {
        const last = head[head.length - 1];
        if (head.length > 1 && last.startsWith(prefix)) {
          annotations[name] = last.slice(prefix.length);
          head.pop();
        }
      }
      if (head[0]) annotations.summary = head[0];
      if (head.length > 1) annotations.description = head.slice(1).join('\n');
      alerts.push({ alertname: labels.alertname ?? '', labels, annotations, status });
    }
    head = [];
    labels = {};
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === BEGIN) break;
    const label = /^ {2}([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(line);
    if (label) {
      labels[label[1]] = label[2];
    } else if (Object.keys(labels).length > 0) {
      finish();
      if (line !== '') head.push(line);
    } else {
      head.push(line);
    }
  }
  finish();
  return alerts;
}

/**
 * Best-effort reading of Alertmanager's default alert list (`__text_alert_list`, the `firing` and
 * `resolved` details of a PagerDuty event): `Labels:` / ` - name = value` / `Annotations:` / `Source:`.
 */
export function parseDefaultAlertList(text: string, status: AlertStatus): NotifiedAlert[] {
  const alerts: NotifiedAlert[] = [];
  let section: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const current = alerts[alerts.length - 1];
    const pair = /^ - ([^=]+?) = (.*)$/.exec(line);
    if (line === 'Labels:') {
      alerts.push({ alertname: '', labels: {}, annotations: {}, status });
      section = alerts[alerts.length - 1].labels;
    } else if (line === 'Annotations:' && current) {
      section = current.annotations;
    } else if (pair && section && current) {
      section[pair[1]] = pair[2];
      if (section === current.labels && pair[1] === 'alertname') current.alertname = pair[2];
    } else {
      section = undefined;
    }
  }
  return alerts;
}

function isStatus(text: string): text is AlertStatus {
  return text === 'firing' || text === 'resolved';
}

/** Space-separated Go-quoted strings (strconv.Quote output); undefined when anything else is there. */
export function readQuotedWords(text: string): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (words.length > 0) {
      if (text[i] !== ' ') return undefined;
      i += 1;
    }
    const word = readGoQuoted(text, i);
    if (!word) return undefined;
    words.push(word.value);
    i = word.end;
  }
  return words;
}

/** One Go double-quoted string literal starting at `start`. Bytes written `\xHH` are taken as Latin-1. */
function readGoQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const end = goQuotedEnd(text, start);
  if (end === -1) return undefined;
  const value = goUnquote(text.slice(start + 1, end - 1), { rawBytes: 'latin1' });
  return typeof value === 'string' ? { value, end } : undefined;
}
