// Helpers for the backend's tests: a plain HTTP client with timeouts, an exposition-format reader and a
// way to feed a Prometheus tool on stdin.
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { findTool, type ToolName, type ToolResult } from '../components/tools/binaries';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class RequestTimeout extends Error {
  constructor(
    readonly path: string,
    readonly ms: number,
  ) {
    super(`${path} did not answer within ${ms} ms`);
  }
}

/**
 * One request on its own connection (no agent, so no pooled socket outlives a test); rejects with
 * RequestTimeout, after closing the socket, when there is no complete answer in time.
 */
export function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    const timer = setTimeout(() => {
      reject(new RequestTimeout(path, timeoutMs));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(options.body);
  });
}

export const get = (baseUrl: string, path: string, timeoutMs?: number) =>
  call(baseUrl, 'GET', path, { timeoutMs });

/** Series of one exposition, keyed `name{a="1",b="2"}` with labels sorted, so lookups ignore label order. */
export type Series = Map<string, number>;

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return parts.length > 0 ? `${name}{${parts.join(',')}}` : name;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

/** Reads the samples of a text exposition (enough of the format for prom-client's output). */
export function parseExposition(text: string): Series {
  const series: Series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL))
      labels[key] = JSON.parse(`"${raw}"`) as string;
    series.set(seriesKey(match[1], labels), Number(match[3]));
  }
  return series;
}

/** The value of one series; throws when it is absent, so a missing series never passes as 0 by accident. */
export function valueOf(series: Series, name: string, labels: Record<string, string> = {}): number {
  const value = series.get(seriesKey(name, labels));
  if (value === undefined) throw new Error(`no series ${seriesKey(name, labels)}`);
  return value;
}

export async function scrape(baseUrl: string): Promise<Series> {
  const answer = await get(baseUrl, '/metrics');
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  return parseExposition(answer.body);
}

/** Polls until `check` holds, so tests wait for events in the server instead of sleeping a guessed time. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs a tool with `input` on stdin. runTool (components/tools/binaries.ts) has no stdin, and
 * `promtool check metrics` reads nothing else; this keeps runTool's contract: the tool comes from findTool
 * (missing means failure, never a skip) and a non-zero exit is a result, not an exception.
 */
export function runToolWithInput(
  name: ToolName,
  args: readonly string[],
  input: string,
  timeoutMs = 60_000,
): Promise<ToolResult> {
  const file = findTool(name);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) reject(new Error(`${name} ended by ${signal}`));
      else resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // EPIPE if the tool quits early; its exit code tells why
    child.stdin.end(input);
  });
}
