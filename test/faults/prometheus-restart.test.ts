import { withLogin, type LocalStack } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { cleanUpFaults, faultRoot, faultStackConfig, startFaultStack, WebhookSink } from './testing';

interface RangeVector {
  data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** Every sample of Prometheus's own `up` series in the last hour, oldest first. */
async function selfUpSamples(stack: LocalStack): Promise<number[]> {
  const query = encodeURIComponent('up{job="prometheus"}[1h]');
  const body = await getJson<RangeVector>(
    `${stack.urls.prometheus}/api/v1/query?query=${query}`,
    withLogin(stack.webAuth),
  );
  return body.data.result.length === 1 ? body.data.result[0].values.map(([t]) => t) : [];
}

describe('Prometheus restarted on the same data folder', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('keeps the samples it scraped before the restart', async () => {
    sink = await WebhookSink.start();
    const config = faultStackConfig(sink.url);
    const root = faultRoot();
    stack = await startFaultStack(config, { root });
    const before = await waitFor(
      async () => {
        const samples = await selfUpSamples(stack!);
        return samples.length >= 3 ? samples : undefined;
      },
      { timeoutMs: 20_000, describe: () => 'Prometheus did not scrape itself three times' },
    );

    // The whole stack stops and starts again, as `promstack local` does between two runs; the same
    // ports keep the series' instance label the same.
    const ports = stack.ports;
    await stack.stop();
    stack = await startFaultStack(config, { root, ports });

    const after = await selfUpSamples(stack);
    expect(after[0]).toBe(before[0]);
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.slice(0, before.length)).toEqual(before);
  });
});
