export * from './alertmanager';
export * from './config';
export * from './grafana';
export * from './images';
export * from './layout';
export * from './prometheus';
export * from './synth';
