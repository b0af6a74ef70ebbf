import { z } from 'zod';
import { httpConfig, httpUrl } from '../../http';
import { credentialFile } from '../../secrets';
import { EVEN_WITH_FIELD_ERRORS, sendResolved, textMap } from '../fields';

const RESPONDER_TYPES = ['team', 'teams', 'user', 'escalation', 'schedule'];
const isTemplate = (text: string) => text.includes('{{');

const responder = z
  .strictObject({
    id: z.string().optional(),
    name: z.string().optional(),
    username: z.string().optional(),
    type: z.string().refine((type) => RESPONDER_TYPES.includes(type) || isTemplate(type), {
      error: (issue) =>
        `invalid responder type ${JSON.stringify(issue.input)}: use ${RESPONDER_TYPES.join(', ')} or a template`,
    }),
  })
  .refine((r) => r.id !== undefined || r.name !== undefined || r.username !== undefined, {
    path: ['name'],
    error: 'a responder needs id, name or username',
    ...EVEN_WITH_FIELD_ERRORS,
  });

/** An Opsgenie alert. The API key is a credential: api_key_file here or opsgenie_api_key_file in `global`. */
export const opsgenieConfig = z.strictObject({
  send_resolved: sendResolved,
  http_config: httpConfig.optional(),
  api_key_file: credentialFile.optional(),
  api_url: httpUrl.optional(),
  message: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  details: textMap.optional(),
  entity: z.string().optional(),
  responders: z.array(responder).optional(),
  actions: z.string().optional(),
  tags: z.string().optional(),
  note: z.string().optional(),
  priority: z
    .string()
    .refine((p) => /^P[1-5]$/.test(p) || isTemplate(p), {
      error: (issue) => `invalid priority ${JSON.stringify(issue.input)}: use P1 to P5 or a template`,
    })
    .optional(),
  update_alerts: z.boolean().optional(),
});

export type OpsgenieConfigInput = z.input<typeof opsgenieConfig>;
