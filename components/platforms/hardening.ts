/**
 * What every container of the stack gives up, in one place for each platform: no privilege it could
 * gain after start, no Linux capability. Each call returns a fresh object (Pulumi takes mutable inputs).
 */

/** Docker: no new privileges (setuid binaries), every capability dropped. */
export function dockerHardening(): { securityOpts: string[]; capabilities: { drops: string[] } } {
  return { securityOpts: ['no-new-privileges:true'], capabilities: { drops: ['ALL'] } };
}

/** Kubernetes: a container security context the `restricted` Pod Security Standard admits. */
export function restrictedSecurityContext(readOnlyRootFilesystem: boolean): {
  allowPrivilegeEscalation: boolean;
  readOnlyRootFilesystem: boolean;
  runAsNonRoot: boolean;
  capabilities: { drop: string[] };
} {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}
