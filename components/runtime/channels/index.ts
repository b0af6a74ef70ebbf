export * from '../../model/channel-addresses';
export * from './message-text';
export { DRILL_DETAIL } from './payloads';
export * from './receivers';
export * from './sinks';
export * from './types';
