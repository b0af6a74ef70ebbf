import {
  parseDefaultAlertList,
  parseDrillText,
  parsePromstackText,
  readQuotedWords,
  statusOfTitle,
} from './message-text';

describe('readQuotedWords', () => {
  it.each([
    ['"a" "b"', ['a', 'b']],
    ['"say \\"hi\\"\\nnext"', ['say "hi"\nnext']],
    ['"tab\\there \\\\ back"', ['tab\there \\ back']],
    ['"\\x07\\u00e9\\U0001f600"', ['\x07é😀']],
    ['"\\101"', ['A']],
    ['"ünï"', ['ünï']],
    ['""', ['']],
  ])('reads %s', (text, words) => {
    expect(readQuotedWords(text)).toEqual(words);
  });

  it.each(['a', '"open', '"a""b"', '"a"  "b"', '"\\q"', '"\\x4"', '"\\U00110000"'])('refuses %s', (text) => {
    expect(readQuotedWords(text)).toBeUndefined();
  });
});

/** What DRILL_TEXT renders to for one alert, as Alertmanager wrote it in the e2e test. */
const BLOCK = [
  'some human text first',
  '-- promstack drill --',
  'status "resolved"',
  'receiver "team a"',
  'alert "resolved"',
  'label "alertname" "HighErrorRate"',
  'label "detail" "say \\"hi\\"\\nline two a=b"',
  'label "severity" "critical"',
  'annotation "summary" "Errors above 5%"',
  'alert "firing"',
  'label "alertname" "HighErrorRate"',
  '-- end promstack drill --',
  'trailing text',
].join('\n');

describe('parseDrillText', () => {
  it('reads status, receiver and every alert with exact label values', () => {
    expect(parseDrillText(BLOCK)).toEqual({
      status: 'resolved',
      receiver: 'team a',
      alerts: [
        {
          alertname: 'HighErrorRate',
          labels: { alertname: 'HighErrorRate', detail: 'say "hi"\nline two a=b', severity: 'critical' },
          annotations: { summary: 'Errors above 5%' },
          status: 'resolved',
        },
        {
          alertname: 'HighErrorRate',
          labels: { alertname: 'HighErrorRate' },
          annotations: {},
          status: 'firing',
        },
      ],
    });
  });

  it('reads CRLF line ends (mail bodies)', () => {
    expect(parseDrillText(BLOCK.replace(/\n/g, '\r\n'))?.alerts).toHaveLength(2);
  });

  it.each([
    ['no block', 'just text'],
    ['no end marker', BLOCK.replace('-- end promstack drill --', '')],
    ['a label before any alert', BLOCK.replace('alert "resolved"\n', '')],
    ['an unknown status', BLOCK.replace('status "resolved"', 'status "pending"')],
    ['an unquoted value', BLOCK.replace('"critical"', 'critical')],
    ['a missing receiver', BLOCK.replace('receiver "team a"\n', '')],
  ])('is undefined for %s', (_, text) => {
    expect(parseDrillText(text)).toBeUndefined();
  });
});

describe('statusOfTitle', () => {
  it.each([
    ['[FIRING:2] HighErrorRate on orders', 'firing'],
    ['[RESOLVED] HighErrorRate', 'resolved'],
    ['  [FIRING:1] x', 'firing'],
    ['FIRING HighErrorRate', undefined],
    ['', undefined],
  ])('%j → %s', (title, status) => {
    expect(statusOfTitle(title)).toBe(status);
  });
});

describe('parsePromstackText', () => {
  // promstack.text for two alerts, the second without description (see synth.ts).
  const text =
    'Errors above 5%\nOrders fail for users.\n  alertname=HighErrorRate\n  severity=critical\n\n' +
    'Latency high\n  alertname=HighLatency\n  severity=warning\n\n';

  it('reads summary, description and labels of each alert', () => {
    expect(parsePromstackText(text, 'firing')).toEqual([
      {
        alertname: 'HighErrorRate',
        labels: { alertname: 'HighErrorRate', severity: 'critical' },
        annotations: { summary: 'Errors above 5%', description: 'Orders fail for users.' },
        status: 'firing',
      },
      {
        alertname: 'HighLatency',
        labels: { alertname: 'HighLatency', severity: 'warning' },
        annotations: { summary: 'Latency high' },
        status: 'firing',
      },
    ]);
  });

  it('reads the runbook and dashboard links after the description', () => {
    const linked =
      'Errors above 5%\nOrders fail for users.\nRunbook: https://wiki/HighErrorRate\n' +
      'Dashboard: https://grafana/d/svc-orders\n  alertname=HighErrorRate\n\n' +
      'Latency high\nRunbook: https://wiki/HighLatency\n  alertname=HighLatency\n\n';
    expect(parsePromstackText(linked, 'firing').map((a) => a.annotations)).toEqual([
      {
        summary: 'Errors above 5%',
        description: 'Orders fail for users.',
        runbook_url: 'https://wiki/HighErrorRate',
        dashboard_url: 'https://grafana/d/svc-orders',
      },
      { summary: 'Latency high', runbook_url: 'https://wiki/HighLatency' },
    ]);
  });

  it('stops at the drill block and finds nothing in other text', () => {
    expect(parsePromstackText(`${text}${BLOCK}`, 'firing')).toHaveLength(2);
    expect(parsePromstackText('hello\nworld', 'firing')).toEqual([]);
  });
});

describe('parseDefaultAlertList', () => {
  it("reads Alertmanager's __text_alert_list", () => {
    const text =
      'Labels:\n - alertname = A\n - severity = info\nAnnotations:\n - summary = s = t\nSource: http://x\n' +
      'Labels:\n - alertname = B\nAnnotations:\nSource: \n';
    expect(parseDefaultAlertList(text, 'resolved')).toEqual([
      {
        alertname: 'A',
        labels: { alertname: 'A', severity: 'info' },
        annotations: { summary: 's = t' },
        status: 'resolved',
      },
      { alertname: 'B', labels: { alertname: 'B' }, annotations: {}, status: 'resolved' },
    ]);
  });
});
