/**
 * Where the notification-channel stand-ins (components/runtime/channels) take each receiver's
 * notifications, below their base URL or mail domain. The stack points dev receivers at the alert inbox
 * with the same addresses (components/stack/alert-inbox.ts), so they live here, below both.
 */

/** Where the HTTP stand-ins listen, below their base URL: PagerDuty's Events API v2. */
export const PAGERDUTY_PATH = '/pagerduty/v2/enqueue';

/** The Slack incoming-webhook stand-in of one receiver. */
export function slackPath(receiver: string): string {
  return `/slack/${encodeURIComponent(receiver)}`;
}

/** The Alertmanager webhook stand-in of one receiver (the receiver is read from the payload). */
export function webhookPath(receiver: string): string {
  return `/webhook/${encodeURIComponent(receiver)}`;
}

/** The mail domain of the e-mail stand-in; the local part names the receiver. */
export const EMAIL_DOMAIN = 'promstack.local';

/**
 * `<receiver>@promstack.local`. Receiver names may hold any character, a mailbox name may not, so
 * everything but letters, digits, `_` and `-` is written `=HH` per UTF-8 byte (`=` is a valid
 * mailbox character, and a name such as `team-a` stays readable).
 */
export function emailAddress(receiver: string): string {
  const local = [...Buffer.from(receiver, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) ? char : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `${local}@${EMAIL_DOMAIN}`;
}

/** The receiver an address of the stand-in's domain names; undefined for any other address. */
export function receiverOfEmail(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.slice(at + 1).toLowerCase() !== EMAIL_DOMAIN) return undefined;
  const local = address.slice(0, at);
  if (!/^([A-Za-z0-9_-]|=[0-9A-F]{2})+$/.test(local)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < local.length; i += 1) {
    if (local[i] === '=') {
      bytes.push(parseInt(local.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(local.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
