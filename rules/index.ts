export * from './build';
export * from './context';
export * from './red';
export * from './resources';
export * from './slo';
export * from './stack-health';
export * from './types';
export * from './unit-tests';
