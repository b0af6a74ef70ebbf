// @ts-check
'use strict';
/*
 * Creates the stack config's silences in a running Alertmanager, each once. The one implementation:
 * `promstack local` and the drill call applySilences, and a Docker or Kubernetes deploy runs this very
 * file with node beside Alertmanager (a one-shot container, a Job), so it uses Node's built-ins only.
 *
 *   ALERTMANAGER_URL=http://alertmanager:9093 node apply-silences.js silences.json
 *
 * silences.json is what components/stack/silences.ts renders (the API's form, matchers parsed).
 * Optional: ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD_FILE (basic auth), ALERTMANAGER_WAIT_SECONDS
 * (how long to wait for Alertmanager to be ready, default 0: one try).
 */
const { readFileSync } = require('node:fs');

/** A request that does not answer in this long is a failure, so a stuck Alertmanager fails the run. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * @typedef {{ name: string, value: string, isRegex: boolean, isEqual: boolean }} ApiMatcher
 * @typedef {{ matchers: ApiMatcher[], startsAt: string, endsAt: string, createdBy: string, comment: string }} Silence
 * @typedef {Silence & { id?: string, status?: { state: string } }} HeldSilence
 * @typedef {{ username: string, password: string }} Credentials
 * @typedef {{ now?: number, credentials?: Credentials, waitSeconds?: number, log?: (line: string) => void }} ApplyOptions
 * @typedef {{ created: number, present: number, ended: number }} SilencesApplied
 */

/** @param {unknown} error */
function why(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = /** @type {{ code?: string, message?: string } | undefined} */ (error.cause);
  if (error.name === 'TimeoutError') return `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * @param {string} url
 * @param {Credentials | undefined} credentials
 * @param {RequestInit} [init]
 */
async function request(url, credentials, init = {}) {
  /** @type {Record<string, string>} */
  const headers = { .../** @type {Record<string, string>} */ (init.headers ?? {}) };
  if (credentials) {
    const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    headers.Authorization = `Basic ${token}`;
  }
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 401) {
    const refused = new Error(
      `${init.method ?? 'GET'} ${url}: 401, Alertmanager wants credentials` +
        (credentials
          ? ' and refused these (check the password secret)'
          : ' (set ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD_FILE)'),
    );
    // Waiting would not help: the run fails at once.
    refused.name = 'LoginRefused';
    throw refused;
  }
  return response;
}

/**
 * Waits until Alertmanager answers /-/ready, trying once a second for `waitSeconds` (0: once).
 * @param {string} base
 * @param {Credentials | undefined} credentials
 * @param {number} waitSeconds
 */
async function waitUntilReady(base, credentials, waitSeconds) {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    let problem;
    try {
      const response = await request(`${base}/-/ready`, credentials);
      if (response.ok) return;
      problem = `/-/ready answered ${response.status}`;
    } catch (error) {
      if (error instanceof Error && error.name === 'LoginRefused') throw error;
      problem = why(error);
    }
    if (Date.now() >= deadline)
      throw new Error(
        `Alertmanager at ${base} is not reachable or not ready` +
          (waitSeconds > 0 ? ` after ${waitSeconds} s` : '') +
          ` (${problem}): check that it runs and that this address reaches it`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Whether Alertmanager holds this silence already: same matchers, end, author and reason, and a start
 * no earlier than wanted (Alertmanager starts a silence whose start has passed at its creation time).
 * @param {Silence} held
 * @param {Silence} wanted
 */
function sameSilence(held, wanted) {
  /** @param {Silence} s */
  const key = (s) =>
    JSON.stringify([
      s.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]).sort(),
      Date.parse(s.endsAt),
      s.createdBy,
      s.comment,
    ]);
  return key(held) === key(wanted) && Date.parse(held.startsAt) >= Date.parse(wanted.startsAt);
}

/**
 * Creates each silence that Alertmanager does not hold yet (its cluster members share them by gossip):
 * one already there, not expired, is left alone, so a second run on the same silences creates nothing;
 * one whose end has passed is skipped.
 * @param {string} alertmanagerUrl
 * @param {readonly Silence[]} silences
 * @param {ApplyOptions} [options]
 * @returns {Promise<SilencesApplied>}
 */
async function applySilences(alertmanagerUrl, silences, options = {}) {
  const base = alertmanagerUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now();
  const { credentials } = options;
  /** @type {SilencesApplied} */
  const result = { created: 0, present: 0, ended: 0 };
  if (silences.length === 0) return result;
  await waitUntilReady(base, credentials, options.waitSeconds ?? 0);
  const listed = await request(`${base}/api/v2/silences`, credentials);
  if (!listed.ok) throw new Error(`GET ${base}/api/v2/silences: ${listed.status} ${await listed.text()}`);
  const existing = /** @type {HeldSilence[]} */ (await listed.json()).filter(
    (s) => s.status?.state !== 'expired',
  );
  for (const wanted of silences) {
    if (Date.parse(wanted.endsAt) <= now) {
      result.ended += 1;
      continue;
    }
    if (existing.some((s) => sameSilence(s, wanted))) {
      result.present += 1;
      continue;
    }
    const created = await request(`${base}/api/v2/silences`, credentials, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(wanted),
    });
    if (!created.ok) {
      const matchers = wanted.matchers.map(
        (m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}"${m.value}"`,
      );
      throw new Error(
        `Alertmanager refused the silence of ${matchers.join(', ')}: ${created.status} ${await created.text()}`,
      );
    }
    existing.push(wanted);
    result.created += 1;
  }
  return result;
}

/** @param {SilencesApplied} applied */
function summary(applied) {
  return `silences: ${applied.created} created, ${applied.present} already there, ${applied.ended} ended`;
}

/** The command: the silences file from argv, the rest from the environment; exit code 1 on any failure. */
async function main() {
  const file = process.argv[2];
  const url = process.env.ALERTMANAGER_URL;
  if (!file || !url)
    throw new Error('usage: ALERTMANAGER_URL=http://host:9093 node apply-silences.js SILENCES.json');
  const silences = /** @type {Silence[]} */ (JSON.parse(readFileSync(file, 'utf8')));
  const username = process.env.ALERTMANAGER_USERNAME;
  const passwordFile = process.env.ALERTMANAGER_PASSWORD_FILE;
  if (Boolean(username) !== Boolean(passwordFile))
    throw new Error('set both ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD_FILE, or neither');
  const credentials =
    username && passwordFile ? { username, password: readFileSync(passwordFile, 'utf8').trim() } : undefined;
  const waitSeconds = Number(process.env.ALERTMANAGER_WAIT_SECONDS ?? '0');
  console.log(summary(await applySilences(url, silences, { credentials, waitSeconds })));
}

module.exports = { applySilences, summary };

if (require.main === module) {
  main().catch((error) => {
    console.error(`apply-silences: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
