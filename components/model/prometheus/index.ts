export * from './alerting';
export * from './config';
export * from './discovery';
export * from './global';
export * from './relabel';
export * from './remote-write';
export * from './render';
export * from './scrape';
