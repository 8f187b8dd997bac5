export {
  applyEvents,
  physicalTableName,
  Projection,
  ProjectionTable,
  renderDdl,
  renderFill,
  renderIndexes,
  TableNames,
  withoutFilledTables,
} from './projection';
export { ProjectionTestbed } from './projection-testbed';
export { JobRequest, jobIdFor, sweepSchedule, JobWorker, Reaction, WorkerSchedule } from './reaction';
export { ReadSideRegistry } from './read-side-registry';
export { LogFollower, LogFollowerOptions } from './log-follower';
export { LAG_CAP, ProjectionRunner, ProjectionStatus } from './projection-runner';
export { ReactionRunner, ReactionStatus } from './reaction-runner';
export { ReadSide, ReadSideStatus } from './read-side';
export { readSideMigrations } from './read-side.migrations';
export { sweepCandidates, SweepOutcome } from './sweep';
