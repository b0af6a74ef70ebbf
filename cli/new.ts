import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXIT, parseCommandArgs, requireOption, stringOption, UsageError } from './args';
import { paint, printJson, type Io } from './io';
import { PROJECT_ROOT } from './stacks';

/** As components/service/validate.ts checks them: the name becomes the scrape job and the service label. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const TEAM_NAME = /^[a-z][a-z0-9-]*$/;
const DEFAULT_PORT = 8080;

/** Words a `const` may not be named: a service called one gets `Service` after its identifier. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with yield let static implements interface package private protected public await'
  ).split(' '),
);

export async function newCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { team: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean' } },
    'new',
  );
  const [kind, name, ...rest] = parsed.positionals;
  if (kind !== 'service') {
    throw new UsageError(
      kind === undefined
        ? 'say what to create: promstack new service NAME --team TEAM'
        : `unknown kind ${JSON.stringify(kind)}: promstack new service NAME --team TEAM`,
    );
  }
  if (name === undefined) throw new UsageError('name the service: promstack new service NAME --team TEAM');
  if (rest.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (see: promstack new --help)`);
  if (!SERVICE_NAME.test(name)) {
    throw new UsageError(
      `invalid service name ${JSON.stringify(name)}: use 2 to 40 lower-case letters, digits and dashes, ` +
        `starting with a letter and not ending with a dash (e.g. ${JSON.stringify(suggestName(name))})`,
    );
  }
  const team = requireOption(parsed, 'team', 'new');
  if (!TEAM_NAME.test(team)) {
    throw new UsageError(
      `invalid team name ${JSON.stringify(team)}: use lower-case letters, digits and dashes, starting with a letter`,
    );
  }
  const portText = stringOption(parsed, 'port');
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !/^\d+$/.test(portText ?? '0')) {
    throw new UsageError(`invalid --port ${JSON.stringify(portText)}: give a port number from 1 to 65535`);
  }

  const dir = join(PROJECT_ROOT, 'infra', 'services');
  const file = join(dir, `${name}.ts`);
  const shown = relative(process.cwd(), file) || file;
  if (existsSync(file)) {
    throw new UsageError(
      `${shown} exists already: edit it, or choose another name (promstack new never overwrites a file)`,
    );
  }
  const identifier = identifierOf(name);
  const text = serviceFile({ name, identifier, team, port });
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text, { flag: 'wx' });
  const importLine = `import { ${identifier} } from './${name}';`;
  if (parsed.values.json) {
    printJson(io, {
      ok: true,
      file: relative(PROJECT_ROOT, file),
      service: name,
      team,
      port,
      import: importLine,
    });
    return EXIT.ok;
  }
  io.out(`${paint(io, 'green', 'wrote')} ${shown}\n`);
  io.out(
    `Add it to the catalogue, infra/services/index.ts: this import, and ${identifier} in the list services:\n\n` +
      `  ${importLine}\n\n` +
      `then run \`npx promstack check --stack dev\`. Its alerts route to team ${team}'s receivers: ` +
      `teams.${team} must exist in each Pulumi.<env>.yaml.\n`,
  );
  return EXIT.ok;
}

/** `payment-gateway` → `paymentGateway`, a valid `const` name. */
export function identifierOf(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return RESERVED.has(camel) ? `${camel}Service` : camel;
}

function suggestName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return cleaned.length >= 2 ? cleaned : 'my-service';
}

/** The README's example service (counter and histogram, RED, an availability SLO), for this name. */
export function serviceFile(options: {
  name: string;
  identifier: string;
  team: string;
  port: number;
}): string {
  const { name, identifier, team, port } = options;
  return `import { defineService } from '../../components/service';

export const ${identifier} = defineService({
  name: '${name}',
  team: '${team}', // alerts route to this team's receivers by severity (Pulumi.<env>.yaml, teams)
  scrape: {
    targets: {
      docker: ['${name}:${port}'],
      kubernetes: { namespace: '${team}', podLabels: { app: '${name}' }, port: ${port} },
    },
  },
  metrics: {
    http_requests_total: { type: 'counter', labels: ['method', 'route', 'status'] },
    http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route'] },
  },
  // Only declared counters and histograms compile here.
  red: {
    requests: 'http_requests_total',
    errors: { label: 'status', regex: '5..' },
    latency: 'http_request_duration_seconds',
  },
  slos: [{ name: 'availability', objective: 99.9 }],
});
`;
}
