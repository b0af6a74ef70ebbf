import { z } from 'zod';
import { numberVariable, portVariable, textVariable } from '../components/model/env';
import { parseOrThrow } from '../components/model/validate';

const envSchema = z.object({
  PORT: portVariable(8080),
  HOST: textVariable('0.0.0.0'),
  SERVICE_NAME: textVariable('example-backend'),
  TRAFFIC_RPS: numberVariable({
    min: 0,
    max: 10_000,
    whole: false,
    fallback: 0,
    hint: 'set requests per second from 0 (off) to 10000',
  }),
});

export type BackendConfig = z.output<typeof envSchema>;

/** The settings of main.ts from environment variables; throws a ValidationError naming each bad variable. */
export function readConfig(env: NodeJS.ProcessEnv): BackendConfig {
  const { PORT, HOST, SERVICE_NAME, TRAFFIC_RPS } = env;
  return parseOrThrow(envSchema, { PORT, HOST, SERVICE_NAME, TRAFFIC_RPS });
}
