export * from './tokens';
export { Runtime } from './runtime';
export { CoreModule } from './core.module';
export { closeRuntime, openRuntime, RuntimeOverrides } from './open-runtime';
export {
  ContextDeclaration,
  contextModules,
  defineContext,
  JobMethod,
  jobOf,
  JobSource,
  JobWorkerDeclaration,
  personalFieldsByEventType,
  ProcessRole,
  ReactionSource,
  registerContexts,
  registerJobWorkers,
  servesHttp,
  workerSchedules,
} from './context';
