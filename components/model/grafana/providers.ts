import { z } from 'zod';
import { grafanaUid } from './uid';
import { containerPath, literalText, orgId, provisioningName } from './text';

/**
 * A dashboard provider, named as in Grafana's dashboard provisioning file; only file providers exist. The
 * checks that relate fields or objects are in provisioning.ts (crossObjectIssues).
 */
export const dashboardProvider = z
  .object({
    name: provisioningName,
    /** Defaults to 1, the main org. */
    orgId: orgId.optional(),
    /** Folder title; empty puts the dashboards in General. */
    folder: literalText.optional(),
    folderUid: grafanaUid.optional(),
    type: z
      .literal('file', { error: 'only "file": promstack mounts the dashboard JSON into the container' })
      .optional(),
    /** Defaults to true: a provisioned dashboard deleted in the UI would come back on the next scan anyway. */
    disableDeletion: z.boolean().optional(),
    allowUiUpdates: z
      .literal(false, {
        error:
          'must be false: dashboards are code, UI saves would be lost on the next deploy; change the code instead',
      })
      .optional(),
    /** Defaults to 30: the files change only when the stack is deployed. */
    updateIntervalSeconds: z
      .number()
      .int({ error: 'must be a whole number of seconds' })
      .min(1, { error: 'must be at least 1 second' })
      .optional(),
    options: z
      .object({
        path: containerPath,
        /** Sub-folders of `path` become Grafana folders; then `folder` and `folderUid` must stay unset. */
        foldersFromFilesStructure: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

export type DashboardProviderInput = z.input<typeof dashboardProvider>;
export type DashboardProvider = z.output<typeof dashboardProvider>;
