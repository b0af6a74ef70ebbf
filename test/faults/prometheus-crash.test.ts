import { withLogin, type LocalStack } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { cleanUpFaults, faultStackConfig, startFaultStack, WebhookSink } from './testing';

/*
 * Prometheus appends every scraped sample to its write-ahead log before a query can see it, and the
 * log is written to the operating system at once (fsynced only per segment). So SIGKILL, an OOM kill
 * or any crash of the process loses no sample a query had returned: the restart replays the log. Only
 * a crash of the machine itself can lose the samples the kernel had not yet written back to disk.
 */

interface RangeVector {
  data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** Prometheus's samples of its own scrapes in the last hour, by series: `[timestamp, value]`, oldest first. */
async function selfSamples(stack: LocalStack): Promise<Map<string, [number, string][]>> {
  const query = encodeURIComponent('{job="prometheus",__name__=~"up|scrape_samples_scraped"}[1h]');
  const body = await getJson<RangeVector>(
    `${stack.urls.prometheus}/api/v1/query?query=${query}`,
    withLogin(stack.webAuth),
  );
  return new Map(body.data.result.map((r) => [JSON.stringify(r.metric), r.values]));
}

describe('Prometheus killed with SIGKILL while it scrapes', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('has every sample a query returned before the kill after its restart', async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url));
    const prometheus = stack.processes.prometheus;
    await waitFor(
      async () => {
        const series = await selfSamples(stack!);
        return series.size === 2 && [...series.values()].every((v) => v.length >= 5) ? true : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'Prometheus did not scrape itself five times' },
    );

    // What a query returned is what was acknowledged; the kill follows at once, mid-scrape-loop.
    const acknowledged = await selfSamples(stack);
    const pidBefore = prometheus.pid;
    await prometheus.kill();
    await prometheus.start();
    expect(prometheus.pid).not.toBe(pidBefore);

    const after = await selfSamples(stack);
    expect([...after.keys()].sort()).toEqual([...acknowledged.keys()].sort());
    for (const [series, samples] of acknowledged) {
      const last = samples[samples.length - 1][0];
      expect({ series, samples: after.get(series)!.filter(([t]) => t <= last) }).toEqual({ series, samples });
    }
  });
});
