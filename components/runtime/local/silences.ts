import { parseMatcher, type Matcher } from '../../model/alertmanager/matchers';
import type { StackConfig } from '../../stack/config';

type Silence = StackConfig['silences'][number];

/** A silence as Alertmanager's v2 API takes and returns it. */
interface ApiSilence {
  id?: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status?: { state: 'active' | 'pending' | 'expired' };
}

export interface SilencesApplied {
  /** Created now. */
  created: number;
  /** Already in Alertmanager (from an earlier start), left as they are. */
  present: number;
  /** Ended before now: nothing to silence. */
  ended: number;
}

function apiMatcher({ name, operator, value }: Matcher): ApiSilence['matchers'][number] {
  return { name, value, isRegex: operator.endsWith('~'), isEqual: !operator.startsWith('!') };
}

/** The stack config's silence as the API holds it; the config validated its matchers already. */
function apiSilence(silence: Silence): ApiSilence {
  const matchers = silence.matchers.map((text) => {
    const parsed = parseMatcher(text);
    if (!parsed.ok) throw new Error(`silence matcher ${text}: ${parsed.error}`);
    return apiMatcher(parsed.matcher);
  });
  return {
    matchers,
    startsAt: new Date(silence.startsAt).toISOString(),
    endsAt: new Date(silence.endsAt).toISOString(),
    createdBy: silence.createdBy,
    comment: silence.comment,
  };
}

/**
 * Whether Alertmanager holds this silence already: same matchers, end, author and reason, and a start
 * no earlier than wanted (Alertmanager starts a silence whose start has passed at its creation time).
 */
function sameSilence(held: ApiSilence, wanted: ApiSilence): boolean {
  const key = (s: ApiSilence) =>
    JSON.stringify([
      [...s.matchers].map((m) => [m.name, m.value, m.isRegex, m.isEqual]).sort(),
      Date.parse(s.endsAt),
      s.createdBy,
      s.comment,
    ]);
  return key(held) === key(wanted) && Date.parse(held.startsAt) >= Date.parse(wanted.startsAt);
}

/**
 * Creates the stack config's silences in a running Alertmanager (its cluster members share them by
 * gossip), each once: one that is already there, not expired, is left alone, so a restart on the same
 * data does not duplicate it; one whose end has passed is skipped.
 */
export async function applySilences(
  alertmanagerUrl: string,
  silences: readonly Silence[],
  now = Date.now(),
): Promise<SilencesApplied> {
  const result: SilencesApplied = { created: 0, present: 0, ended: 0 };
  if (silences.length === 0) return result;
  const response = await fetch(`${alertmanagerUrl}/api/v2/silences`);
  if (!response.ok) throw new Error(`GET ${alertmanagerUrl}/api/v2/silences: ${response.status}`);
  const existing = ((await response.json()) as ApiSilence[]).filter((s) => s.status?.state !== 'expired');
  for (const silence of silences) {
    const wanted = apiSilence(silence);
    if (Date.parse(wanted.endsAt) <= now) {
      result.ended += 1;
      continue;
    }
    if (existing.some((s) => sameSilence(s, wanted))) {
      result.present += 1;
      continue;
    }
    const created = await fetch(`${alertmanagerUrl}/api/v2/silences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(wanted),
    });
    if (!created.ok)
      throw new Error(
        `Alertmanager refused the silence of ${silence.matchers.join(', ')}: ${created.status} ${await created.text()}`,
      );
    existing.push(wanted);
    result.created += 1;
  }
  return result;
}
