export { auditContext } from './audit.context';
export { AuditModule } from './audit.module';
export { AccountHistory, AccountStream, readEventsAt, TrailEntry, TrailQuery } from './trail/account-history';
export { AccountStateReplay } from './replay-state/account-state-replay';
export { AccountChains } from './verify-chains/account-chains';
export { exportLine } from './export-events/export-events.controller';
export { ChainReport, chainReport, StreamCheck } from './domain/chain-report';
export { ActivitySummary, summariseActivity } from './domain/activity-summary';
export { HistorySection, replayState } from './domain/state-replay';
export {
  AUDIT_TRAIL_STREAMS_TABLE,
  AUDIT_TRAIL_TABLE,
  auditTrailProjection,
} from '../../../projections/audit-trail/audit-trail.projection';
