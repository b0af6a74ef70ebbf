import { z } from 'zod';

/**
 * Where a rendered config could carry a credential in clear: URLs (user info, query tokens), HTTP and
 * mail headers, scrape query parameters. Each such schema is registered here so a test can find every
 * one of them in the model and plant a credential in it.
 */
export const credentialBearingFields = z.registry<{ kind: 'url' | 'headers' | 'params' }>();

/**
 * Names that carry a secret by convention: `Authorization`, `X-Api-Key`, `access_token`, `sig`...
 * Deliberately broad: a false positive costs a rename or a `*_file` field, a miss leaks a key.
 */
const CREDENTIAL_NAME =
  /authori[sz]ation|cookie|token|secret|passw|pwd|api[-_]?key|private[-_]?key|credential|signature|^(key|sig|auth|x-auth.*|session)$/i;

export function isSecretName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** A user name or password in a URL: a credential in clear wherever the URL is written or shown. */
export function hasUserInfo(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/** Why a URL would carry a credential in clear, or undefined. */
export function urlCredentialProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (hasUserInfo(url)) return 'user or password in the URL is an inline credential';
  const secretParams = [...new Set([...url.searchParams.keys()].filter(isSecretName))];
  if (secretParams.length > 0)
    return `query parameter ${secretParams.map((p) => JSON.stringify(p)).join(', ')} carries a credential in the URL`;
  return undefined;
}

/** Carriage return or line feed: in a mail address or header they start a new header (injection). */
export function hasLineBreak(text: string): boolean {
  return /[\r\n]/.test(text);
}
