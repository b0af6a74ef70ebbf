import { z } from 'zod';
import { labelName } from '../names';
import { re2 } from '../re2';

const ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;

/** Actions that write a label and so need `target_label` (Prometheus relabel.Config.Validate). */
export const NEEDS_TARGET: ReadonlySet<string> = new Set([
  'replace',
  'hashmod',
  'keepequal',
  'dropequal',
  'lowercase',
  'uppercase',
]);

/** One relabelling step; defaults as in Prometheus: action replace, regex (.*), separator ';'. */
export const relabelConfig = z
  .strictObject({
    source_labels: z.array(labelName).optional(),
    separator: z.string().optional(),
    /** May contain $1-style references for action replace, so only checked as a label name when literal. */
    target_label: z.string().min(1).optional(),
    regex: re2.optional(),
    modulus: z.number().int().positive().optional(),
    replacement: z.string().optional(),
    action: z.enum(ACTIONS).optional(),
  })
  .superRefine((rc, ctx) => {
    const action = rc.action ?? 'replace';
    if (NEEDS_TARGET.has(action) && !rc.target_label) {
      ctx.addIssue({
        code: 'custom',
        path: ['target_label'],
        message: `action ${action} needs target_label`,
      });
    }
    if (action === 'hashmod' && rc.modulus === undefined) {
      ctx.addIssue({ code: 'custom', path: ['modulus'], message: 'action hashmod needs modulus' });
    }
    if ((action === 'keepequal' || action === 'dropequal') && rc.regex !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['regex'], message: `action ${action} takes no regex` });
    }
    if ((action === 'labeldrop' || action === 'labelkeep') && (rc.source_labels || rc.target_label)) {
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: `action ${action} matches label names with regex only: remove source_labels and target_label`,
      });
    }
    if (
      rc.target_label &&
      !rc.target_label.includes('$') &&
      !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(rc.target_label)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['target_label'],
        message: `invalid label name ${JSON.stringify(rc.target_label)}`,
      });
    }
  });
export type RelabelConfig = z.input<typeof relabelConfig>;
