import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../tools/binaries';
import { renderYaml } from '../yaml';
import { formatMatcher, parseMatcher } from './matchers';

/** What a matcher string means once canonical, or the error. */
function canonical(text: string): string {
  const parsed = parseMatcher(text);
  return parsed.ok ? formatMatcher(parsed.matcher) : `error: ${parsed.error}`;
}

describe('parseMatcher', () => {
  it.each([
    ['severity="critical"', 'severity="critical"'],
    ['severity=critical', 'severity="critical"'],
    ['  severity  =  critical  ', 'severity="critical"'],
    ['severity!="info"', 'severity!="info"'],
    ['severity=~"critical|warning"', 'severity=~"critical|warning"'],
    ['instance!~"^db-.*"', 'instance!~"^db-.*"'],
    ['"team"="payments"', 'team="payments"'],
    ['path="/var/log x"', 'path="/var/log x"'],
    ['msg="say \\"hi\\""', 'msg="say \\"hi\\""'],
    ['city="K\\u00f6ln"', 'city="Köln"'],
    ['tab="a\\tb"', 'tab="a\\tb"'],
    ['empty=""', 'empty=""'],
    ['url=https://example.org/a-b.c', 'url="https://example.org/a-b.c"'],
    ['sev=~"(?i)crit"', 'sev=~"(?i)crit"'],
  ])('reads %s as %s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each([
    ['', /empty matcher/],
    ['severity', /expected an operator/],
    ['severity=', /write severity="" to match an empty value/],
    ['severity==critical', /expected a value after severity= at column 10, found "="/],
    ['severity=a b', /unexpected "b" at column 12: put values with spaces/],
    ['severity=critical,team=a', /one matcher per list element/],
    ['{severity="critical"}', /without braces/],
    ['=critical', /expected a label name at column 1/],
    ['1severity=critical', /invalid label name "1severity"/],
    ['service.name=api', /invalid label name "service.name"/],
    ['severity="critical', /missing closing " for the string starting at column 10/],
    ['severity="crit\\ical"', /invalid escape \\i/],
    ['severity="\\xff"', /raw byte: write \\u00ff/],
    ['severity!critical', /expected an operator/],
    ['severity=~"("', /invalid regular expression "\(": /],
    ['severity=~"(?=crit)"', /invalid or unsupported Perl syntax: `\(\?=`/],
    ['severity=~"(a)\\\\1"', /invalid escape sequence: `\\1`/],
    ['severity=~"a{1001}"', /invalid repeat count/],
  ])('rejects %j', (text, message) => {
    const parsed = parseMatcher(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('quotes values so that both of Alertmanager’s parsers read them back unchanged', () => {
    const value = 'a "quoted" \\ value, with {braces} = and ~ ! \n';
    const text = formatMatcher({ name: 'x', operator: '=', value });
    expect(parseMatcher(text)).toEqual({ ok: true, matcher: { name: 'x', operator: '=', value } });
  });
});

type AmtoolVerdict = 'clean' | 'disagreement' | 'fallback' | 'rejected';

/**
 * How amtool 0.33.1 takes a matcher. `fallback`: only its classic parser read it (logged as a warning;
 * this model rejects such input). `disagreement`: its UTF-8 parser read it, but the classic parser
 * would have read something else (logged too; the canonical form this model renders avoids it).
 */
async function amtoolVerdict(dir: string, index: number, matcher: string): Promise<AmtoolVerdict> {
  const file = join(dir, `matcher-${index}.yml`);
  const config = {
    route: { receiver: 'r', routes: [{ receiver: 'r', matchers: [matcher] }] },
    receivers: [{ name: 'r' }],
  };
  writeFileSync(file, renderYaml(config));
  const result = await runTool('amtool', ['check-config', file]);
  const output = result.stdout + result.stderr;
  if (result.code !== 0) return 'rejected';
  if (/classic matchers parser as a fallback/.test(output)) return 'fallback';
  return /has disagreement/.test(output) ? 'disagreement' : 'clean';
}

describe('matchers against the real amtool', () => {
  const table = [
    'severity="critical"',
    'severity=critical',
    'severity != "info"',
    'severity=~"critical|warning"',
    'instance!~"^db-[0-9]+$"',
    'sev=~"(?i)crit"',
    'sev=~"x(?i:y)z"',
    'sev=~"(?P<level>crit)"',
    'sev=~"[[:alpha:]]+"',
    'sev=~"[]a]"',
    'sev=~"\\\\d+"',
    'sev=~"\\\\Q(\\\\E"',
    'empty=""',
    '"team"="payments"',
    'city="K\\u00f6ln"',
    'msg="say \\"hi\\""',
    'url=https://example.org/a-b.c',
    'sev=~"("',
    'sev=~"(?=x)"',
    'sev=~"(?<!x)y"',
    'sev=~"(a)\\\\1"',
    'sev=~"a{1001}"',
    'sev=~"\\\\y"',
    'sev=~"*"',
    'sev=~"a**"',
    'sev=~"\\d+"',
    'sev="crit\\ical"',
    'sev=',
    'sev==critical',
    'sev=a b',
    'sev=a}',
    "sev='critical'",
  ];

  it("accepts exactly what amtool's UTF-8 matchers parser accepts", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-matchers-'));
    const verdicts = await Promise.all(table.map((text, i) => amtoolVerdict(dir, i, text)));
    const utf8Accepts = verdicts.map((v) => v === 'clean' || v === 'disagreement');
    const differences = table.filter((text, i) => utf8Accepts[i] !== parseMatcher(text).ok);
    expect(differences).toEqual([]);
    // The table must hold both kinds, or it proves nothing.
    expect(utf8Accepts.filter(Boolean).length).toBeGreaterThan(10);
    expect(utf8Accepts.filter((ok) => !ok).length).toBeGreaterThan(10);
  });

  it('renders every accepted matcher in a form amtool reads without any warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-matchers-'));
    const rendered = table.map(canonical).filter((text) => !text.startsWith('error:'));
    const verdicts = await Promise.all(rendered.map((text, i) => amtoolVerdict(dir, i, text)));
    expect(verdicts).toEqual(rendered.map(() => 'clean'));
  });

  it('is stricter than amtool only where it means to be', async () => {
    const stricter = ['a=b,c=d', '{a="b"}', 'service.name=api', '1a=b'];
    const dir = mkdtempSync(join(tmpdir(), 'promstack-matchers-'));
    const verdicts = await Promise.all(stricter.map((text, i) => amtoolVerdict(dir, i, text)));
    expect(verdicts).toEqual(stricter.map(() => 'clean'));
    expect(stricter.filter((text) => parseMatcher(text).ok)).toEqual([]);
  });
});
