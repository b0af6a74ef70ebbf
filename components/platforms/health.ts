import type { HealthCheck } from './workload';

/** Quotes a word for sh: single quotes, each single quote inside closed, escaped and reopened. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that checks a workload's health from inside its container, with the images' busybox
 * `wget` (what prometheus-operator's probes fall back to as well). Behind a login it runs in `sh`,
 * which reads the password from its mounted file when the check runs: the pod spec and the container
 * config hold the file's path, never the credential.
 */
export function healthCommand(health: HealthCheck, path: string): string[] {
  // busybox wget's TLS checks no certificate: over https the check proves the server answers with
  // TLS and accepts the login; the name and CA are the real clients' to verify.
  const url = `${health.tls ? 'https' : 'http'}://127.0.0.1:${health.port}${path}`;
  if (!health.basicAuth) return ['wget', '-q', '-O', '/dev/null', url];
  const { username, passwordFile } = health.basicAuth;
  const credentials = `printf '%s:%s' ${shellQuote(username)} "$(cat ${shellQuote(passwordFile)})"`;
  return [
    'sh',
    '-c',
    // base64 wraps long lines: the header must be one.
    `wget -q -O /dev/null --header "Authorization: Basic $(${credentials} | base64 | tr -d '\\n')" ${shellQuote(url)}`,
  ];
}
