export * from './commands';
export * from './layout';
export * from './local-process';
export * from './ports';
export * from './secrets';
export * from './stack';
export * from './web-auth';
