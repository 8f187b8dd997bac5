export { physicalTableName, Projection, ProjectionTable, renderDdl, TableNames } from './projection';
export { ProjectionTestbed } from './projection-testbed';
export { JobRequest, jobIdFor, JobWorker, Reaction } from './reaction';
export { ReadSideRegistry } from './read-side-registry';
