import { defineContext } from '@app/core';
import { auditTrailProjection } from '../../../projections/audit-trail/audit-trail.projection';
import { AuditModule } from './audit.module';

/** The audit context: a projection of other contexts' events and what reads it; no event, no error code of its own. */
export const auditContext = defineContext<never, never>({
  name: 'audit',
  module: AuditModule,
  errors: {},
  events: {},
  projections: [auditTrailProjection],
});
