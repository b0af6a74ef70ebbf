export * from './config';
export * from './drill';
export * from './floors';
export * from './history';
export type * from './report';
export { formatReport } from './report';
export { LATENCY_LIMIT } from './run';
