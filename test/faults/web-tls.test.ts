import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import forge from 'node-forge';
import { healthCommand } from '../../components/platforms/health';
import { silencesApplier } from '../../components/platforms/silences-applier';
import { basicAuthorization, webConfigYaml } from '../../components/platforms/web-auth';
import { alertmanagerWorkload, prometheusWorkload, type Workload } from '../../components/platforms/workload';
import { freePort, startProcess, waitFor, type RunningProcess } from '../../components/runtime/processes';
import { layoutUnder } from '../../components/stack/layout';
import { OUTPUT_PATHS } from '../../components/stack/paths';
import { synthStack, type SynthResult } from '../../components/stack/synth';
import { findTool, runTool } from '../../components/tools/binaries';
import { faultStackConfig } from './testing';

/*
 * webAuth.tls on the real Prometheus and Alertmanager: the workloads of a Docker stack (their flags,
 * rendered configs and the derived web config) run as local processes with a throwaway CA and server
 * certificate. Plain HTTP is refused, HTTPS verified with the CA and the login answers, and Prometheus
 * delivers an alert to Alertmanager over HTTPS with the rendered alerting config.
 */

const ALERT = 'FaultDrillWebTls';
const RULES = `groups:
  - name: fault-drill
    rules:
      - alert: ${ALERT}
        expr: prometheus_notifications_alertmanagers_discovered > 0
        labels:
          severity: critical
          team: platform
`;
const TLS = { certSecret: 'web-cert', keySecret: 'web-key', caSecret: 'web-ca' };
const PASSWORD = 'correct horse battery staple';

/** A CA, and a server certificate it signs for 127.0.0.1 and localhost: PEM text. */
function throwawayCertificates(): { ca: string; cert: string; key: string } {
  const keyPair = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const key = forge.pki.privateKeyFromPem(pem);
    return { pem, key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
  };
  const validity = (cert: forge.pki.Certificate) => {
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  };
  const caKeys = keyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  validity(ca);
  const caName = [{ name: 'commonName', value: 'promstack test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.key, forge.md.sha256.create());

  const serverKeys = keyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = '02';
  validity(server);
  server.setSubject([{ name: 'commonName', value: 'promstack test server' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  server.sign(caKeys.key, forge.md.sha256.create());
  return {
    ca: forge.pki.certificateToPem(ca),
    cert: forge.pki.certificateToPem(server),
    key: serverKeys.pem,
  };
}

/** GET over https, verified against `ca` by Node; rejects on a TLS failure. */
function httpsGet(url: string, ca: string | undefined, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function exitCode(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) =>
    execFile(file, args, { env }, (error) => resolve(error ? Number(error.code ?? 1) : 0)),
  );
}

describe('webAuth.tls on the real Prometheus and Alertmanager', () => {
  const root = mkdtempSync(join(tmpdir(), 'promstack-tls-'));
  const layout = layoutUnder(join(root, 'etc'));
  const pems = throwawayCertificates();
  const secrets: Record<string, string> = {
    'web-password': PASSWORD,
    [TLS.certSecret]: pems.cert,
    [TLS.keySecret]: pems.key,
    [TLS.caSecret]: pems.ca,
  };
  const login = { Authorization: basicAuthorization('promstack', PASSWORD) };
  let synth: SynthResult;
  let workloads: Workload[];
  const running: RunningProcess[] = [];
  let urls: { prometheus: string; alertmanager: string };

  /** Writes a workload's config and secret files where its flags name them, as a platform mounts them. */
  function materialise(workload: Workload) {
    for (const file of workload.configFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content);
    }
    for (const file of workload.secretFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      const value = file.webConfigOf
        ? webConfigYaml(file.webConfigOf, secrets[file.webConfigOf.passwordSecret])
        : secrets[file.secretName];
      writeFileSync(file.path, value, { mode: 0o600 });
    }
  }

  beforeAll(async () => {
    const [prometheus, alertmanager, cluster] = [await freePort(), await freePort(), await freePort()];
    const input = faultStackConfig('http://127.0.0.1:9/unused');
    const second = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const silence = {
      matchers: ['service="nothing-real"'],
      startsAt: second(Date.now()),
      endsAt: second(Date.now() + 3600_000),
      createdBy: 'tls test',
      comment: 'created by the silences run over https',
    };
    synth = synthStack({ ...input, webAuth: { tls: TLS }, silences: [silence] }, [], {
      environment: 'test',
      platform: 'docker',
      layout,
      endpoints: { prometheus: [`127.0.0.1:${prometheus}`], alertmanagers: [`127.0.0.1:${alertmanager}`] },
    });
    const options = {
      platform: 'docker' as const,
      layout,
      listenHost: '127.0.0.1',
      ports: { prometheus, alertmanager, alertmanagerCluster: cluster },
      dataDirs: {
        prometheus: join(root, 'data', 'prometheus'),
        alertmanager: join(root, 'data', 'alertmanager'),
      },
      clusterPeers: [],
    };
    workloads = [alertmanagerWorkload(synth, options), prometheusWorkload(synth, options)];
    for (const workload of workloads) materialise(workload);
    for (const dir of Object.values(options.dataDirs)) mkdirSync(dir, { recursive: true });
    mkdirSync(join(layout.prometheusConfigDir, 'rules'), { recursive: true });
    writeFileSync(join(layout.prometheusConfigDir, 'rules', 'web-tls.yml'), RULES);
    for (const [workload, tool] of [
      [workloads[0], 'alertmanager'],
      [workloads[1], 'prometheus'],
    ] as const)
      running.push(startProcess(tool, findTool(tool), workload.args));
    urls = { prometheus: `127.0.0.1:${prometheus}`, alertmanager: `127.0.0.1:${alertmanager}` };
    await waitFor(
      async () => {
        const ready = await Promise.all(
          Object.values(urls).map((host) =>
            httpsGet(`https://${host}/-/ready`, pems.ca, login).then(
              (r) => r.status,
              () => 0,
            ),
          ),
        );
        return ready.every((status) => status === 200) ? true : undefined;
      },
      { timeoutMs: 60_000, describe: () => running.map((p) => `${p.name}: ${p.output()}`).join('\n') },
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    rmSync(root, { recursive: true, force: true });
  });

  it('the web config names the mounted certificate and key; promtool accepts it and the config', async () => {
    const prometheus = workloads[1];
    const webConfig = prometheus.secretFiles.find((file) => file.webConfigOf)!.path;
    expect(prometheus.args).toContain(`--web.config.file=${webConfig}`);
    const checks = await Promise.all([
      runTool('promtool', ['check', 'web-config', webConfig]),
      runTool('promtool', ['check', 'config', join(layout.prometheusConfigDir, 'prometheus.yml')]),
    ]);
    for (const check of checks)
      expect({ code: check.code, output: check.stdout + check.stderr }).toEqual({
        code: 0,
        output: expect.stringContaining('SUCCESS'),
      });
  });

  it.each(['prometheus', 'alertmanager'] as const)('%s refuses plain HTTP', async (target) => {
    const plain = await fetch(`http://${urls[target]}/-/ready`, { headers: login });
    // Go's TLS server answers a plain request with 400 and closes the connection.
    expect(plain.status).toBe(400);
    expect(await plain.text()).toContain('HTTPS');
  });

  it.each(['prometheus', 'alertmanager'] as const)(
    '%s answers over HTTPS verified with the CA, with the login only',
    async (target) => {
      expect((await httpsGet(`https://${urls[target]}/-/ready`, pems.ca, login)).status).toBe(200);
      expect((await httpsGet(`https://${urls[target]}/-/ready`, pems.ca)).status).toBe(401);
      // Without the CA the server is not trusted: the certificate is what the clients verify.
      await expect(httpsGet(`https://${urls[target]}/-/ready`, undefined, login)).rejects.toThrow(
        /certificate/,
      );
    },
  );

  it('Prometheus delivers its alert to Alertmanager over HTTPS and scrapes itself and it', async () => {
    const prometheusYml = synth.files[OUTPUT_PATHS.prometheusConfig];
    expect(prometheusYml).toContain(`ca_file: ${join(layout.prometheusSecretsDir, TLS.caSecret)}`);
    const alerts = await waitFor(
      async () => {
        const { body } = await httpsGet(`https://${urls.alertmanager}/api/v2/alerts`, pems.ca, login);
        return body.includes(ALERT) ? body : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: () => `${ALERT} did not reach Alertmanager: ${running[1].output().slice(-3000)}`,
      },
    );
    expect(alerts).toContain(ALERT);
    interface Targets {
      data: { activeTargets: { labels: Record<string, string>; scrapeUrl: string; health: string }[] };
    }
    const up = await waitFor(
      async () => {
        const { body } = await httpsGet(`https://${urls.prometheus}/api/v1/targets`, pems.ca, login);
        const targets = (JSON.parse(body) as Targets).data.activeTargets;
        const byJob = Object.fromEntries(
          targets.map((t) => [t.labels.job, `${t.health} ${t.scrapeUrl.split(':')[0]}`]),
        );
        return byJob.prometheus === 'up https' && byJob.alertmanager === 'up https' ? byJob : undefined;
      },
      { timeoutMs: 20_000, describe: () => 'the self-scrapes over https are not up' },
    );
    expect(up).toEqual({ prometheus: 'up https', alertmanager: 'up https' });
  });

  it('the silences run creates its silence over HTTPS, trusting the CA it is given', async () => {
    const applier = silencesApplier(synth, workloads[0])!;
    expect(applier.env.ALERTMANAGER_URL).toMatch(/^https:\/\//);
    // Its files where this test can write them; the URL where this Alertmanager listens.
    const dir = join(root, 'applier');
    mkdirSync(dir);
    const local = (path: string) => join(dir, basename(path));
    for (const file of applier.configFiles) writeFileSync(local(file.path), file.content);
    for (const file of applier.secretFiles) writeFileSync(local(file.path), secrets[file.secretName]);
    const env = {
      ...applier.env,
      ALERTMANAGER_URL: `https://${urls.alertmanager}`,
      ALERTMANAGER_PASSWORD_FILE: local(applier.env.ALERTMANAGER_PASSWORD_FILE),
      NODE_EXTRA_CA_CERTS: local(applier.env.NODE_EXTRA_CA_CERTS),
      ALERTMANAGER_WAIT_SECONDS: '0',
    };
    const [, script, silences] = applier.command;
    const run = (environment: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [local(script), local(silences)], { env: environment, encoding: 'utf8' });
    const untrusting = run({ ...env, NODE_EXTRA_CA_CERTS: undefined });
    expect(untrusting.status).toBe(1);
    const trusting = run(env);
    expect({ status: trusting.status, out: trusting.stdout + trusting.stderr }).toEqual({
      status: 0,
      out: expect.stringContaining('1 created'),
    });
  });

  it("the containers' health check speaks HTTPS with the login under busybox", async () => {
    const bin = join(root, 'busybox');
    mkdirSync(bin);
    spawnSync(findTool('busybox'), ['--install', '-s', bin]);
    for (const workload of workloads) {
      const health = workload.healthCheck;
      expect(health.tls).toBe(true);
      const [file, ...args] = healthCommand(health, health.readyPath!);
      expect(await exitCode(join(bin, file), args, { PATH: bin })).toBe(0);
      const wrong = join(root, 'wrong-password');
      writeFileSync(wrong, 'not-the-password');
      const withWrong = { ...health, basicAuth: { ...health.basicAuth!, passwordFile: wrong } };
      const [wf, ...wargs] = healthCommand(withWrong, health.readyPath!);
      expect(await exitCode(join(bin, wf), wargs, { PATH: bin })).not.toBe(0);
    }
  });
});
