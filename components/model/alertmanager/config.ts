import { z } from 'zod';
import { globalConfig } from './global';
import { inhibitRule } from './inhibit';
import { receiver } from './receivers/receiver';
import { rootRoute } from './route';
import { timeInterval } from './time-intervals';

/** Whether Go's filepath.Glob accepts a pattern: every `[` closes, no backslash at the end. */
function globProblem(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] === '\\') {
      if (i === pattern.length - 1) return 'a backslash at the end escapes nothing';
      i += 1;
    } else if (pattern[i] === '[') {
      const close = pattern.indexOf(']', i + (/[\^!]/.test(pattern[i + 1] ?? '') ? 3 : 2));
      if (close === -1) return 'a [ character class is not closed';
      i = close;
    }
  }
  return undefined;
}

/**
 * A template file or glob. Relative paths are read from the folder of the config file, so absolute
 * paths (where the platform mounts the templates) are clearer; both work.
 */
export const templatePath = z
  .string()
  .min(1, { error: 'must not be empty: give a file path or glob such as /etc/alertmanager/templates/*.tmpl' })
  .superRefine((pattern, ctx) => {
    const problem = globProblem(pattern);
    if (problem)
      ctx.addIssue({ code: 'custom', message: `invalid glob ${JSON.stringify(pattern)}: ${problem}` });
  });

/**
 * The whole `alertmanager.yml`. Field order in every schema of this folder is the order the file is
 * rendered in: zod builds parsed objects in shape order, whatever order the input keys came in.
 */
export const alertmanagerConfig = z.strictObject({
  global: globalConfig.optional(),
  templates: z.array(templatePath).optional(),
  route: rootRoute,
  receivers: z.array(receiver).min(1, { error: 'define at least the receiver the root route names' }),
  inhibit_rules: z.array(inhibitRule).optional(),
  time_intervals: z.array(timeInterval).optional(),
});

export type AlertmanagerConfigInput = z.input<typeof alertmanagerConfig>;
export type AlertmanagerConfig = z.output<typeof alertmanagerConfig>;
