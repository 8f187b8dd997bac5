import { defineContext, jobOf } from '@app/core';
import { recoveryCasesProjection } from '../../../projections/recovery-cases/recovery-cases.projection';
import { RecoveryErrorCode, recoveryErrorStatuses } from './domain/recovery.errors';
import { recoveryEventDeclarations, RecoveryEventTypeName } from './domain/recovery-case.events';
import {
  CARRY_OUT_RECOVERY_JOB,
  RECOVERY_QUEUE,
  RecoveryMail,
  recoveryMailReaction,
  SEND_RECOVERY_CODE_JOB,
  SEND_RECOVERY_DENIAL_JOB,
  SEND_RECOVERY_STEPS_JOB,
} from './mail/recovery-mail';
import { RecoveryModule } from './recovery.module';

const recoveryJobs = [SEND_RECOVERY_STEPS_JOB, SEND_RECOVERY_CODE_JOB, CARRY_OUT_RECOVERY_JOB, SEND_RECOVERY_DENIAL_JOB];

/** The recovery context as every process registers it (see `ContextDeclaration` in `@app/core`). */
export const recoveryContext = defineContext<RecoveryEventTypeName, RecoveryErrorCode>({
  name: 'recovery',
  module: RecoveryModule,
  errors: recoveryErrorStatuses,
  events: recoveryEventDeclarations,
  projections: [recoveryCasesProjection],
  reactions: [recoveryMailReaction],
  jobWorkers: [
    {
      queue: RECOVERY_QUEUE,
      jobs: Object.fromEntries(recoveryJobs.map((job) => [job, jobOf(RecoveryMail, (mail) => mail.handlers()[job])])),
    },
  ],
});
