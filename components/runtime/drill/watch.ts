import type { ChannelSinks, Notification } from '../channels';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` every `intervalMs` until it returns a value or `deadline` (ms since the epoch) passes;
 * undefined then. A check that throws counts as "not yet" (a process busy under a CPU fault), except
 * for the errors `fatal` picks out.
 */
export async function poll<T>(
  check: () => Promise<T | undefined>,
  deadline: number,
  options: { intervalMs?: number; fatal?: () => Error | undefined } = {},
): Promise<T | undefined> {
  for (;;) {
    const fatal = options.fatal?.();
    if (fatal) throw fatal;
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(options.intervalMs ?? 500);
  }
}

/** Whether a notification carries an alert with every label of `identity` in `status`. */
export function carries(
  notification: Notification,
  identity: Record<string, string>,
  status: 'firing' | 'resolved',
): boolean {
  return notification.alerts.some(
    (alert) =>
      alert.status === status &&
      Object.entries(identity).every(([name, value]) => alert.labels[name] === value),
  );
}

/** Notifications received from `from` to `to` (ms) that carry the alert in `status`. */
export function notificationsOf(
  sinks: ChannelSinks,
  identity: Record<string, string>,
  status: 'firing' | 'resolved',
  from: number,
  to = Number.POSITIVE_INFINITY,
): Notification[] {
  return sinks
    .notifications()
    .filter(
      (n) => n.receivedAt.getTime() >= from && n.receivedAt.getTime() <= to && carries(n, identity, status),
    );
}

/** Receivers of notifications, sorted, each once. */
export function receiversOf(notifications: readonly Notification[]): string[] {
  return [...new Set(notifications.map((n) => n.receiver))].sort();
}

/** Labels of `expected` that the notified alert lacks or has with another value, as `name=value` text. */
export function labelMismatches(
  notification: Notification,
  identity: Record<string, string>,
  expected: Record<string, string>,
): string[] {
  const alert = notification.alerts.find((a) =>
    Object.entries(identity).every(([name, value]) => a.labels[name] === value),
  );
  if (!alert) return ['the alert is missing'];
  return Object.entries(expected)
    .filter(([name, value]) => alert.labels[name] !== value)
    .map(
      ([name, value]) =>
        `${name}=${JSON.stringify(alert.labels[name] ?? null)} (expected ${JSON.stringify(value)})`,
    );
}
