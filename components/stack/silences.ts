import { parseMatcher, type Matcher } from '../model/alertmanager/matchers';
import type { StackConfig } from './config';

/** A silence as Alertmanager's v2 API takes it (POST /api/v2/silences), without an id. */
export interface ApiSilence {
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

function apiMatcher({ name, operator, value }: Matcher): ApiSilence['matchers'][number] {
  return { name, value, isRegex: operator.endsWith('~'), isEqual: !operator.startsWith('!') };
}

/**
 * The stack config's silences as the API takes them: matchers parsed (the config validated them
 * already), times in UTC to the millisecond. The applier (platforms/apply-silences.js) reads this and
 * nothing else, so it needs no matcher parser of its own.
 */
export function apiSilences(silences: StackConfig['silences']): ApiSilence[] {
  return silences.map((silence) => ({
    matchers: silence.matchers.map((text) => {
      const parsed = parseMatcher(text);
      if (!parsed.ok) throw new Error(`silence matcher ${text}: ${parsed.error}`);
      return apiMatcher(parsed.matcher);
    }),
    startsAt: new Date(silence.startsAt).toISOString(),
    endsAt: new Date(silence.endsAt).toISOString(),
    createdBy: silence.createdBy,
    comment: silence.comment,
  }));
}

/** The file the applier reads: the silences as JSON, in config order, one stable text for one config. */
export function silencesFileText(silences: StackConfig['silences']): string {
  return `${JSON.stringify(apiSilences(silences), null, 2)}\n`;
}
