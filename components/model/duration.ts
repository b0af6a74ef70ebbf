import { z } from 'zod';

// Prometheus's model.ParseDuration: units in descending order, each at most once, no spaces, no fractions.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];

/** Milliseconds in a Prometheus duration such as `1h30m`, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return UNIT_MS.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * unit, 0);
}

/** Formats milliseconds as the shortest Prometheus duration (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`not a whole, non-negative duration: ${ms}`);
  if (ms === 0) return '0s';
  const units: [string, number][] = [
    ['w', 7 * 86400e3],
    ['d', 86400e3],
    ['h', 3600e3],
    ['m', 60e3],
    ['s', 1e3],
    ['ms', 1],
  ];
  let rest = ms;
  let text = '';
  for (const [suffix, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${suffix}`;
      rest -= count * size;
    }
  }
  return text;
}

const DURATION_HELP = 'a duration like 30s, 5m, 1h30m (units y w d h m s ms, largest first, no spaces)';

/** A Prometheus duration string. */
export const duration = z.string().refine((text) => parseDuration(text) !== undefined, {
  error: (issue) => `invalid duration ${JSON.stringify(issue.input)}: write ${DURATION_HELP}`,
});

/** A duration that must be greater than zero. */
export const positiveDuration = duration.refine((text) => (parseDuration(text) ?? 0) > 0, {
  error: 'must be greater than zero',
});
