import { parseDuration } from '../components/model/duration';

/**
 * The subset of Prometheus's template functions that generated annotations use, reimplemented so that
 * generated unit tests can state the exact text Prometheus will render. promtool runs every such test, so
 * a divergence from Go's formatting fails the build rather than an on-call page.
 */

/** Go's `%.4g`. */
export function formatG4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa, exp] = value.toExponential(3).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${trimmed}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(Number(value.toPrecision(4)));
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
