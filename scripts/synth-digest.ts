/**
 * `npx tsx scripts/synth-digest.ts`: one SHA-256 per rendered stack (dev, staging and prod as the
 * repository deploys them, and the 1,000-service bench catalogue on Kubernetes, Docker and local),
 * over every file path and content and the summary. A refactor that must not change the output prints
 * the same lines before and after.
 */
import { createHash } from 'node:crypto';
import { benchStackConfig, syntheticCatalogue } from '../bench/catalogue';
import { synthStack, type SynthResult } from '../components/stack';
import { repoStackConfig } from '../components/stack/testing';
import { vendoredRuleFiles } from '../infra/rule-files';
import { services } from '../infra/services';

function digest(result: SynthResult): string {
  const hash = createHash('sha256');
  for (const [path, text] of Object.entries(result.files)) hash.update(`${path}\0${text}\0`);
  hash.update(JSON.stringify(result.summary));
  hash.update(JSON.stringify(result.secrets));
  return `${hash.digest('hex').slice(0, 16)} (${Object.keys(result.files).length} files)`;
}

for (const environment of ['dev', 'staging', 'prod']) {
  const result = synthStack(repoStackConfig(environment), services, {
    environment,
    ruleFiles: vendoredRuleFiles(),
  });
  console.log(`${environment}: ${digest(result)}`);
}
const catalogue = syntheticCatalogue(1000);
for (const platform of ['kubernetes', 'docker', 'local'] as const) {
  const config = benchStackConfig(platform === 'local' ? 'docker' : platform);
  const result = synthStack(config, catalogue, { environment: 'bench', platform });
  console.log(`bench 1,000 services, ${platform}: ${digest(result)}`);
}
