import { z } from 'zod';
import { parseOrThrow } from '../components/model/validate';

export const MAX_LATENCY_MS = 120_000;
export const MAX_CPU_BURN_MS = 10_000;
export const MAX_QUEUE_DEPTH = 1_000_000;

// The share is applied in parts per million with integer arithmetic: floating point would turn 0.29 * 100
// into 28.999…, and the "exact share" tests and fire drills rely on would be off by one.
const PPM = 1_000_000;

function typeError(expected: string) {
  return (issue: { code: string }) => (issue.code === 'invalid_type' ? expected : undefined);
}

const SHARE = 'must be a share from 0 to 1 (0.25 fails every 4th /api request)';

// Messages leave out the field name: the error path already starts with it.
function wholeNumber(max: number, unit: string) {
  const range = `must be a whole number of ${unit} from 0 to ${max}`;
  return z
    .number({ error: typeError(`must be a number of ${unit}, such as 250`) })
    .int({ error: range })
    .min(0, { error: range })
    .max(max, { error: range })
    .default(0);
}

/**
 * The body of `PUT /control/faults`. A PUT replaces the whole fault state: a field left out means "no such
 * fault", so one request always says everything that is wrong with the service.
 */
export const faultsSchema = z
  .object(
    {
      /** Share of /api requests answered 500, applied deterministically (see FaultInjector.nextApiFails). */
      errorRate: z
        .number({ error: typeError('must be a number, a share such as 0.25') })
        .min(0, { error: SHARE })
        .max(1, { error: SHARE })
        .default(0),
      /** Added to every /api request. */
      latencyMs: wholeNumber(MAX_LATENCY_MS, 'milliseconds'),
      /** Hold /api and /metrics requests open until cleared, so the scrape target goes down. */
      hang: z.boolean({ error: typeError('must be true or false') }).default(false),
      /** Busy loop on every /api request, so process CPU rises. */
      cpuBurnMs: wholeNumber(MAX_CPU_BURN_MS, 'milliseconds'),
      /** Added to app_queue_depth. */
      queueDepth: wholeNumber(MAX_QUEUE_DEPTH, 'queued orders'),
    },
    { error: typeError('the body must be a JSON object such as {"errorRate":0.25,"latencyMs":300}') },
  )
  .strict();

export type Faults = z.output<typeof faultsSchema>;
/** What a client may send: every field optional. */
export type FaultsInput = z.input<typeof faultsSchema>;

export const NO_FAULTS: Readonly<Faults> = Object.freeze(faultsSchema.parse({}));

/** Why a held request stopped waiting. */
export type HoldOutcome = 'released' | 'aborted';

/**
 * The fault state of one app and the mechanics behind it: the deterministic error sequence and the
 * requests held open while `hang` is on.
 */
export class FaultInjector {
  private state: Faults = { ...NO_FAULTS };
  private errorPpm = 0;
  private apiSeen = 0;
  private readonly waiters = new Set<(outcome: HoldOutcome) => void>();

  constructor(initial?: FaultsInput) {
    if (initial) this.set(initial);
  }

  get current(): Faults {
    return { ...this.state };
  }

  /** Requests held by `hang` right now. */
  get held(): number {
    return this.waiters.size;
  }

  /** Validates and applies a complete fault state; throws a ValidationError naming every bad field. */
  set(input: unknown): Faults {
    const next = parseOrThrow(faultsSchema, input);
    this.state = next;
    this.errorPpm = Math.round(next.errorRate * PPM);
    // Counting restarts, so "errorRate 0.25" fails exactly requests 4, 8, 12, … after it was set.
    this.apiSeen = 0;
    if (!next.hang) this.releaseAll('released');
    return this.current;
  }

  reset(): Faults {
    return this.set({});
  }

  /**
   * Whether the next /api request fails: the n-th request since the faults were set fails when
   * floor(n·rate) grows, so after N requests exactly floor(N·rate) have failed, evenly spread.
   */
  nextApiFails(): boolean {
    const n = ++this.apiSeen;
    return Math.floor((n * this.errorPpm) / PPM) > Math.floor(((n - 1) * this.errorPpm) / PPM);
  }

  /** Resolves at once when not hung; otherwise when the hang is cleared or `signal` aborts. */
  holdWhileHung(signal: AbortSignal): Promise<HoldOutcome> {
    if (!this.state.hang) return Promise.resolve('released');
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const finish = (outcome: HoldOutcome) => {
        this.waiters.delete(finish);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = () => finish('aborted');
      this.waiters.add(finish);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Lets every held request go on, without changing the fault state (used on shutdown). */
  releaseAll(outcome: HoldOutcome): void {
    for (const finish of [...this.waiters]) finish(outcome);
  }
}
