export * from './environment';
export * from './decider-specification';
