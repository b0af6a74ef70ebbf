export * from './config';
export * from './global';
export * from './inhibit';
export * from './matchers';

export * from './receivers';
export * from './references';
export * from './render';
export * from './route';
export * from './time-intervals';
export * from './validate';
