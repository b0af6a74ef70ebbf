import { execFile } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { identifierOf, serviceFile } from './new';
import { copyRepository, removeTempDirs, runCli } from './testing';

const run = promisify(execFile);

describe('promstack new service', () => {
  afterAll(removeTempDirs);

  it('writes a service that passes Prettier and promstack check once listed in the catalogue', async () => {
    const repo = copyRepository();
    symlinkSync(join(__dirname, '..', '.tools'), join(repo, '.tools'), 'dir');
    const inRepo = { launcher: join(repo, 'cli', 'promstack.js'), cwd: repo };

    const created = await runCli(
      ['new', 'service', 'payment-gateway', '--team', 'shop', '--port', '9100'],
      inRepo,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('wrote infra/services/payment-gateway.ts');
    const importLine = "import { paymentGateway } from './payment-gateway';";
    expect(created.stdout).toContain(`  ${importLine}\n`);
    const file = join(repo, 'infra', 'services', 'payment-gateway.ts');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("name: 'payment-gateway'");
    expect(text).toContain("docker: ['payment-gateway:9100']");
    expect(text).toContain("slos: [{ name: 'availability', objective: 99.9 }]");

    // The one line the command prints, and the service in the list, as a user adds them.
    const catalogue = join(repo, 'infra', 'services', 'index.ts');
    const original = readFileSync(catalogue, 'utf8');
    writeFileSync(
      catalogue,
      original
        .replace("import { orders } from './orders';", `import { orders } from './orders';\n${importLine}`)
        .replace('[orders]', '[orders, paymentGateway]'),
    );
    expect(readFileSync(catalogue, 'utf8')).toContain('[orders, paymentGateway]');

    const [prettier, check, list] = await Promise.all([
      run('npx', ['prettier', '--check', 'infra/services'], { cwd: repo }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      ),
      runCli(['check', '--stack', 'dev'], inRepo),
      runCli(['list', '--stack', 'dev', '--json'], inRepo),
    ]);
    expect(prettier).toBe(0);
    expect(check.stdout).toContain('payment-gateway/HighErrorRate [critical]');
    expect(check.stdout).toContain('check passed');
    expect(check.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { services: unknown[]; slos: unknown[] };
    expect(listed.services).toContainEqual({ name: 'payment-gateway', team: 'shop', job: 'payment-gateway' });
    expect(listed.slos).toContainEqual({
      service: 'payment-gateway',
      name: 'availability',
      objective: 99.9,
      period: '30d',
    });

    // A second run refuses to overwrite the file, and leaves it as it was.
    const again = await runCli(['new', 'service', 'payment-gateway', '--team', 'shop'], inRepo);
    expect(again.stderr).toContain('infra/services/payment-gateway.ts exists already');
    expect(again.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each([
    ['Checkout', 'invalid service name "Checkout"', '"checkout"'],
    ['9lives', 'invalid service name "9lives"', '"lives"'],
    ['shop_api', 'invalid service name "shop_api"', '"shop-api"'],
  ])('refuses the name %s with a name that would do', async (name, message, suggestion) => {
    const result = await runCli(['new', 'service', name, '--team', 'shop']);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`e.g. ${suggestion}`);
    expect(result.code).toBe(2);
  });

  it('refuses an invalid team and port', async () => {
    const [team, port] = await Promise.all([
      runCli(['new', 'service', 'checkout', '--team', 'Shop']),
      runCli(['new', 'service', 'checkout', '--team', 'shop', '--port', '80a']),
    ]);
    expect(team.stderr).toContain('invalid team name "Shop"');
    expect(port.stderr).toContain('invalid --port "80a"');
    expect([team.code, port.code]).toEqual([2, 2]);
  });

  it('names the constant after the service, avoiding reserved words', () => {
    expect(identifierOf('checkout')).toBe('checkout');
    expect(identifierOf('payment-gateway-2')).toBe('paymentGateway2');
    expect(identifierOf('new')).toBe('newService');
    expect(serviceFile({ name: 'new', identifier: 'newService', team: 'shop', port: 8080 })).toContain(
      'export const newService = defineService({',
    );
  });
});
