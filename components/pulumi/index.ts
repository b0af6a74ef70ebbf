export * from './alertmanager';
export * from './grafana';
export * from './prometheus';
export * from './stack';
export * from './workload-component';
export * from './service';
export * from './file-digests';
