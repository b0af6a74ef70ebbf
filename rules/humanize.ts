import { parseDuration } from '../components/model/duration';
import { boundedMemo } from '../components/model/memo';

/**
 * The subset of Prometheus's template functions that generated annotations use, reimplemented so that
 * generated unit tests can state the exact text Prometheus will render. promtool runs every such test, so
 * a divergence from Go's formatting fails the build rather than an on-call page.
 */

/**
 * `value` to 4 significant digits as Go rounds: to the nearest, and an exact tie to the even digit
 * (1.3125 -> 1.312), where JavaScript's toPrecision and toExponential round a tie up (1.313).
 */
function goExponential(value: number): string {
  const js = value.toExponential(3);
  const exact = Math.abs(value).toExponential(99);
  const digits = exact.slice(0, 1) + exact.slice(2, 101);
  const tie = digits[4] === '5' && /^0*$/.test(digits.slice(5));
  if (!tie || Number(digits[3]) % 2 === 1) return js;
  const sign = value < 0 ? '-' : '';
  return `${sign}${digits[0]}.${digits.slice(1, 4)}e${exact.slice(exact.indexOf('e') + 1)}`;
}

/**
 * Go's `%.4g`. Every service's annotations format the same few thresholds and factors, and the digits
 * take two exponential forms of up to 100 digits to find: each value is formatted once.
 */
export function formatG4(value: number): string {
  // A Map takes 0 and -0 for one key, and both are written 0.
  return value === 0 ? '0' : rememberedG4(value);
}

/** Bounds the caches of formatted values: a catalogue's distinct thresholds are far fewer. */
const CACHE_SIZE = 1000;

function uncachedG4(value: number): string {
  const [mantissa, exp] = goExponential(value).split('e');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 4) {
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${trimmed}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(Number(`${mantissa}e${exp}`));
}

/** `{{ $value | humanizePercentage }}` */
export function humanizePercentage(value: number): string {
  return `${formatG4(value * 100)}%`;
}

/** `{{ $value | humanize1024 }}` */
export function humanize1024(value: number): string {
  if (Math.abs(value) <= 1) return formatG4(value);
  const prefixes = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatG4(v)}${prefixes[i]}`;
}

/** `{{ printf "%.2f" $value }}` */
export function fixed2(value: number): string {
  return value.toFixed(2);
}

/** A duration (`15m`, `1h30m`, `90s`) in words for annotation text: `15 minutes`, `1 hour 30 minutes`. */
export function durationText(duration: string): string {
  return rememberedDurationText(duration);
}

function uncachedDurationText(duration: string): string {
  const total = Math.round((parseDuration(duration) ?? 0) / 1000);
  const parts: string[] = [];
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  let rest = total;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

const rememberedG4 = boundedMemo(uncachedG4, CACHE_SIZE);
/** Every alert's description says its `for` in words, most of them one of a few durations. */
const rememberedDurationText = boundedMemo(uncachedDurationText, CACHE_SIZE);
