export interface Order {
  id: number;
  customer: string;
  items: number;
  totalCents: number;
  status: 'new' | 'paid' | 'shipped';
}

const CUSTOMERS = ['ada', 'grace', 'linus', 'margaret', 'ken'];
const STATUSES: Order['status'][] = ['new', 'paid', 'shipped'];

/** A fixed catalogue, so responses (and the response-size summary) are the same on every run. */
export const ORDERS: readonly Order[] = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  customer: CUSTOMERS[i % CUSTOMERS.length],
  items: (i % 3) + 1,
  totalCents: 1999 * (i + 1),
  status: STATUSES[i % STATUSES.length],
}));

export function findOrder(id: string): Order | undefined {
  return /^\d+$/.test(id) ? ORDERS.find((order) => order.id === Number(id)) : undefined;
}

/**
 * Pseudo-random simulated work times in [0, maxMs], from a fixed seed (mulberry32): realistic spread in the
 * histogram, yet the same sequence on every run.
 */
export function workTimes(maxMs: number, seed = 0x5eed): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(unit * maxMs);
  };
}

/** Sleeps, or stops early when `signal` aborts, so shutdown and client aborts leave no timer behind. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Keeps the CPU busy until the process has used `ms` more milliseconds of CPU time: blocking the event loop
 * is the point of the cpuBurnMs fault. Counting CPU time rather than wall time makes process_cpu_seconds_total
 * rise by at least `ms` per request even on a crowded machine; a wall-time cap keeps a starved process from
 * spinning for ever.
 */
export function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  const giveUpAt = performance.now() + Math.max(1000, ms * 10);
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000 || performance.now() > giveUpAt) return;
  }
}
