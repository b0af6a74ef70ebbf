export * from './define';
export * from './metrics';
export * from './spec';
export * from './validate';
export * from './error-values';
