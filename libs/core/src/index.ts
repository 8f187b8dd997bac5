export * from './tokens';
export { Runtime } from './runtime';
export { CoreModule } from './core.module';
export { closeRuntime, openRuntime, RuntimeOverrides } from './open-runtime';
