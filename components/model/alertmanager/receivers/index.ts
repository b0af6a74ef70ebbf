export * from './email';
export * from './msteams';
export * from './opsgenie';
export * from './pagerduty';
export * from './receiver';
export * from './slack';
export * from './telegram';
export * from './webhook';
