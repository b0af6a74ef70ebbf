import { createHmac } from 'node:crypto';
import { encodeBase64, hashSync, truncates } from 'bcryptjs';
import { WEB_CONFIG_FILE } from '../model/secrets';
import { renderYaml } from '../model/yaml';
import type { StackConfig } from '../stack/config';

/**
 * File name (and Kubernetes Secret key) of the web config Prometheus and Alertmanager read with
 * `--web.config.file`. It is derived from the password secret where secrets are materialised (a
 * Kubernetes Secret, a Docker upload marked secret, a 0600 file locally), never rendered into
 * synth's files: it holds the password's hash. No stack secret may take its name (model/secrets.ts).
 */
export { WEB_CONFIG_FILE };

/**
 * bcrypt cost of the hash. exporter-toolkit checks the hash once per new credential and caches the
 * result, so the cost is paid by an attacker guessing offline far more than by the servers; 10 (about
 * 60 ms per guess in Go) is bcrypt's usual default.
 */
export const WEB_AUTH_BCRYPT_COST = 10;

/**
 * The salt, a function of the user name and password: the same secret gives the same file, so a deploy
 * that changes nothing else changes nothing (no new Secret, no rolled pods). Keyed by the password, the
 * salt reveals nothing about it; the hash of a password shared by two stacks with the same user is the
 * same, which an attacker with both files learns, and nothing more.
 */
function saltOf(username: string, password: string): string {
  const bytes = createHmac('sha256', password).update(`promstack web config salt\0${username}`).digest();
  return `$2b$${WEB_AUTH_BCRYPT_COST}$${encodeBase64([...bytes.subarray(0, 16)], 16)}`;
}

/** Why a password cannot be used, or undefined. `secret` names it in the message. */
export function webPasswordProblem(password: string, secret: string): string | undefined {
  if (password === '') return `secret ${secret} is empty: set a password`;
  // Prometheus trims password files, Grafana its $__file values: the hash must match what they send.
  if (password !== password.trim())
    return `secret ${secret} starts or ends with white space: remove it (the clients trim it away)`;
  if (truncates(password))
    return `secret ${secret} is longer than 72 bytes, which bcrypt ignores beyond: use a shorter password`;
  return undefined;
}

/**
 * The web config: one basic-auth user, the password as a bcrypt hash, and with `auth.tls` the server's
 * certificate and key. Throws on an unusable password.
 */
export function webConfigYaml(auth: StackConfig['webAuth'], password: string): string {
  const problem = webPasswordProblem(password, auth.passwordSecret);
  if (problem) throw new Error(problem);
  const hash = hashSync(password, saltOf(auth.username, password));
  // The certificate and key are secrets mounted beside this file: exporter-toolkit reads relative paths
  // from the web config's folder, so the file needs no knowledge of where a platform mounts it.
  const tls = auth.tls && { cert_file: auth.tls.certSecret, key_file: auth.tls.keySecret };
  return renderYaml(
    { tls_server_config: tls, basic_auth_users: { [auth.username]: hash } },
    `Derived by promstack from the secret ${auth.passwordSecret}: rotate the secret, not this file.`,
  );
}

/** The `Authorization` header value of HTTP basic auth. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
