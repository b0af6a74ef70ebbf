export * from './render';
export * from './schema';
export * from './validate';
