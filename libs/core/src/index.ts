export * from './tokens';
export { Runtime } from './runtime';
export { CoreModule } from './core.module';
