import { z } from 'zod';

/** Grafana's rule for dashboard, folder and datasource uids (util.IsValidShortUID plus the 40-character limit). */
export const GRAFANA_UID = /^[a-zA-Z0-9_-]+$/;
export const GRAFANA_UID_MAX_LENGTH = 40;

/** What is wrong with a Grafana uid, with the fix, or undefined when it is valid. */
export function grafanaUidProblem(uid: string): string | undefined {
  if (uid === '') return 'must not be empty: set a stable uid so links and provisioning survive renames';
  if (uid.length > GRAFANA_UID_MAX_LENGTH) {
    return `uid ${JSON.stringify(uid)} has ${uid.length} characters: Grafana allows at most ${GRAFANA_UID_MAX_LENGTH}`;
  }
  if (!GRAFANA_UID.test(uid)) {
    return `invalid uid ${JSON.stringify(uid)}: use only letters, digits, '-' and '_'`;
  }
  return undefined;
}

export const grafanaUid = z.string().superRefine((uid, ctx) => {
  const problem = grafanaUidProblem(uid);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
