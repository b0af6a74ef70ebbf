import { z } from 'zod';

/** Schemas of environment variables for the small servers of this repository (example backend, alert inbox). */

export interface NumberRule {
  min: number;
  max: number;
  whole: boolean;
  fallback: number;
  hint: string;
}

/** A numeric environment variable: unset or empty means the default, anything else must be in range. */
export function numberVariable({ min, max, whole, fallback, hint }: NumberRule) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return fallback;
      const value = Number(text);
      if (Number.isFinite(value) && value >= min && value <= max && (!whole || Number.isInteger(value)))
        return value;
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not valid: ${hint}` });
      return z.NEVER;
    });
}

export function textVariable(fallback: string) {
  return z
    .string()
    .optional()
    .transform((text) => (text === undefined || text.trim() === '' ? fallback : text.trim()));
}

/** A TCP port variable. */
export function portVariable(fallback: number) {
  return numberVariable({
    min: 0,
    max: 65535,
    whole: true,
    fallback,
    hint: 'set a TCP port from 0 to 65535',
  });
}
