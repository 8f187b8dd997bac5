import { defineContext } from '@app/core';
import { MfaErrorCode, mfaErrorStatuses } from './domain/mfa.errors';
import { mfaEventDeclarations, MfaEventTypeName } from './domain/mfa.events';
import { MfaModule } from './mfa.module';
import { MFA_QUEUE, MfaNoticeEmails, mfaNoticeReaction, SEND_MFA_NOTICE_JOB } from './security-notices/security-notice-email';

/** The MFA context as every process registers it (see `ContextDeclaration` in `@app/core`). */
export const mfaContext = defineContext<MfaEventTypeName, MfaErrorCode>({
  name: 'mfa',
  module: MfaModule,
  errors: mfaErrorStatuses,
  events: mfaEventDeclarations,
  reactions: [mfaNoticeReaction],
  jobWorkers: [{ queue: MFA_QUEUE, jobs: { [SEND_MFA_NOTICE_JOB]: MfaNoticeEmails } }],
});
