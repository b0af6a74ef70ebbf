// Pure descriptions only: docker.ts and kubernetes.ts import @pulumi/* and are imported by path.
export * from './configmaps';
export * from './dev-extras';
export * from './stack-secrets';
export * from './workload';
