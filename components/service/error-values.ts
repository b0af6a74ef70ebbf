const ERROR_CANDIDATES = ['500', '503', 'error', 'ERROR', 'Internal', 'Unavailable', 'failure', 'false'];
const SUCCESS_CANDIDATES = ['200', 'OK', 'ok', 'success', 'true', '204'];

const fullMatch = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

/**
 * Label values that the service's error regex matches and does not match, for unit-test input series.
 * Undefined when none of the usual values fit; validation reports that before any rule is built.
 */
export function errorLabelValues(regex: string): { error: string; success: string } | undefined {
  const literal = regex
    .split('|')[0]
    .replace(/\\d|\./g, '0')
    .replace(/[()^$]/g, '');
  const error = [literal, ...ERROR_CANDIDATES].find((value) => fullMatch(regex, value));
  const success = SUCCESS_CANDIDATES.find((value) => !fullMatch(regex, value));
  return error !== undefined && success !== undefined ? { error, success } : undefined;
}
