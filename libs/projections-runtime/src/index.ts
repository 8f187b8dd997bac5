export { physicalTableName, Projection, ProjectionTable, renderDdl, TableNames } from './projection';
export { ProjectionTestbed } from './projection-testbed';
