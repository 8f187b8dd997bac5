import { defineContext } from '@app/core';
import { accountSessionsProjection } from '../../../projections/account-sessions/account-sessions.projection';
import {
  accountSessionEndsReaction,
  RECORD_ACCOUNT_SESSION_ENDS_JOB,
  AccountSessionEnds,
  SESSIONS_QUEUE,
} from './account-ends/account-session-ends';
import { SessionErrorCode } from './domain/session.errors';
import { SessionEventTypeName } from './domain/session.events';
import { SignInGuardEventTypeName } from './domain/sign-in-guard.decider';
import { RECORD_SESSION_ENDS_JOB, SessionEndSweep, sessionEndSchedule } from './record-session-ends/session-end-sweep';
import { SessionsModule } from './sessions.module';

/** The sessions context as every process registers it (see `ContextDeclaration` in `@app/core`). */
export const sessionsContext = defineContext<SessionEventTypeName | SignInGuardEventTypeName, SessionErrorCode>({
  name: 'sessions',
  module: SessionsModule,
  errors: { invalid_credentials: 401, account_locked: 423, account_suspended: 403, invalid_token: 400 },
  events: {
    'session.started': { version: 1, personal: ['ip', 'userAgent'] },
    'session.ended': { version: 1 },
    'sign_in_guard.failure_recorded': { version: 1 },
    'sign_in_guard.locked': { version: 1 },
    'sign_in_guard.cleared': { version: 1 },
  },
  projections: [accountSessionsProjection],
  reactions: [accountSessionEndsReaction],
  jobWorkers: [
    {
      queue: SESSIONS_QUEUE,
      jobs: { [RECORD_SESSION_ENDS_JOB]: SessionEndSweep, [RECORD_ACCOUNT_SESSION_ENDS_JOB]: AccountSessionEnds },
      schedules: [sessionEndSchedule],
    },
  ],
});
