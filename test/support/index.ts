export * from './environment';
export * from './decider-specification';
export * from './recorded-events';
export * from './recording-mailer';
export * from './temporary-database';
export * from './free-port';
