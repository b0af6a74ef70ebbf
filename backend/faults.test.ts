import { ValidationError } from '../components/model/errors';
import { FaultInjector, faultsSchema, NO_FAULTS } from './faults';

function failures(injector: FaultInjector, requests: number): number[] {
  const failed: number[] = [];
  for (let n = 1; n <= requests; n++) if (injector.nextApiFails()) failed.push(n);
  return failed;
}

describe('FaultInjector error sequence', () => {
  it('fails every k-th request for a rate of 1/k', () => {
    expect(failures(new FaultInjector({ errorRate: 0.25 }), 12)).toEqual([4, 8, 12]);
    expect(failures(new FaultInjector({ errorRate: 0.5 }), 6)).toEqual([2, 4, 6]);
  });

  it.each([
    [0, 100, 0],
    [1, 7, 7],
    [0.1, 30, 3],
    [0.3, 10, 3],
    [0.29, 100, 29], // 0.29 * 100 is 28.999… in floating point
    [0.7, 10, 7],
    [0.333333, 100_000, 33_333],
  ])('errorRate %p fails exactly floor(N·rate) of %p requests (%p)', (errorRate, requests, expected) => {
    expect(failures(new FaultInjector({ errorRate }), requests)).toHaveLength(expected);
  });

  it('keeps the share exact after every prefix, so a scrape at any time sees floor(n·rate) errors', () => {
    const injector = new FaultInjector({ errorRate: 0.37 });
    let failed = 0;
    for (let n = 1; n <= 1000; n++) {
      if (injector.nextApiFails()) failed++;
      expect(failed).toBe(Math.floor((n * 37) / 100));
    }
  });

  it('restarts counting when faults are set again', () => {
    const injector = new FaultInjector({ errorRate: 0.25 });
    expect(failures(injector, 3)).toEqual([]);
    injector.set({ errorRate: 0.25 });
    expect(failures(injector, 4)).toEqual([4]);
  });
});

describe('FaultInjector state', () => {
  it('replaces the whole state on set: omitted fields mean no fault', () => {
    const injector = new FaultInjector({ errorRate: 1, latencyMs: 100 });
    expect(injector.set({ queueDepth: 3 })).toEqual({ ...NO_FAULTS, queueDepth: 3 });
    expect(injector.reset()).toEqual(NO_FAULTS);
  });

  it('hands out copies, so callers cannot change the state behind its back', () => {
    const injector = new FaultInjector();
    injector.current.errorRate = 1;
    expect(injector.current.errorRate).toBe(0);
  });

  it('rejects bad input with every problem at once and keeps the old state', () => {
    const injector = new FaultInjector({ latencyMs: 5 });
    let caught: unknown;
    try {
      injector.set({ errorRate: -0.1, hang: 'yes', cpuBurnMs: 1.5, extra: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues).toEqual([
      { path: '', message: 'unknown field "extra": check the spelling against the documented fields' },
      { path: 'cpuBurnMs', message: 'must be a whole number of milliseconds from 0 to 10000' },
      { path: 'errorRate', message: 'must be a share from 0 to 1 (0.25 fails every 4th /api request)' },
      { path: 'hang', message: 'must be true or false' },
    ]);
    expect(injector.current.latencyMs).toBe(5);
  });

  it('has a schema whose defaults are no faults at all', () => {
    expect(faultsSchema.parse({})).toEqual({
      errorRate: 0,
      latencyMs: 0,
      hang: false,
      cpuBurnMs: 0,
      queueDepth: 0,
    });
  });
});

describe('FaultInjector hang', () => {
  it('lets requests through at once when not hung', async () => {
    await expect(new FaultInjector().holdWhileHung(new AbortController().signal)).resolves.toBe('released');
  });

  it('holds requests until the hang is cleared', async () => {
    const injector = new FaultInjector({ hang: true });
    const held = injector.holdWhileHung(new AbortController().signal);
    expect(injector.held).toBe(1);
    injector.set({ hang: true, errorRate: 0.5 }); // still hung: nobody is let go
    expect(injector.held).toBe(1);
    injector.reset();
    await expect(held).resolves.toBe('released');
    expect(injector.held).toBe(0);
  });

  it('lets a request go when its client leaves', async () => {
    const injector = new FaultInjector({ hang: true });
    const client = new AbortController();
    const held = injector.holdWhileHung(client.signal);
    client.abort();
    await expect(held).resolves.toBe('aborted');
    expect(injector.held).toBe(0);
    expect(injector.current.hang).toBe(true);
  });
});
