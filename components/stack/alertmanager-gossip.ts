/**
 * How long an Alertmanager cluster member settles its gossip, from Alertmanager's own settings rather than
 * a measurement (cluster.Peer.Settle and cmd/alertmanager/main.go, 0.33): it polls its member count every
 * 10 gossip intervals, is settled once the count held for NumOkayRequired (3) polls in a row, and is
 * declared settled anyway when `--cluster.settle-timeout` runs out. The timeout's clock starts before the
 * web server does, so /-/ready never answers before it: a pod that stays ready for at least the timeout has
 * settled. Both flags are passed explicitly (the timeout's upstream default is the 60 s push-pull
 * interval), so the bound does not move with Alertmanager's defaults.
 */
export const ALERTMANAGER_GOSSIP = (() => {
  const gossipIntervalMs = 200; // Alertmanager's default
  const pollMs = 10 * gossipIntervalMs;
  const okayPollsRequired = 3;
  // The first poll sees the count change from 0, the next okayPollsRequired agree with it, and the poll
  // after them sees that they did.
  const quietPolls = 1 + okayPollsRequired + 1;
  // Time for the count to change once more (a member joining or leaving while the new one settles) at
  // the last poll where that still restarts the settle; a busier cluster is cut short by the timeout.
  const timeoutPolls = quietPolls - 1 + okayPollsRequired + 1;
  const settleTimeoutSeconds = (timeoutPolls * pollMs) / 1000;
  return {
    pollMs,
    /** Unchanged member counts in a row that settle a member. */
    okayPollsRequired,
    /** The polls of a settle whose member count never changes after the first. */
    quietPolls,
    settleTimeoutSeconds,
    args: [
      `--cluster.gossip-interval=${gossipIntervalMs}ms`,
      `--cluster.settle-timeout=${settleTimeoutSeconds}s`,
    ],
  } as const;
})();
