import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import {
  attemptsLeft,
  ATTEMPTS_PER_CHECK,
  isOverdue,
  matchingChecks,
  RecoveryCase,
  recoveryCaseDecider,
  RecoveryCommand,
} from './domain/recovery-case.decider';
import { RecoveryEvent, recoveryCaseStream } from './domain/recovery-case.events';
import { RecoveryCaseNotFoundError } from './domain/recovery.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Loads a case from its stream (consistent: every rule is decided on it) and runs commands on it. */
@Injectable()
export class RecoveryCases {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load(caseId: string): Promise<RecoveryCase> {
    if (!UUID.test(caseId)) throw new RecoveryCaseNotFoundError();
    const { state } = await this.runner.load(recoveryCaseStream(caseId.toLowerCase()), recoveryCaseDecider);
    if (!state.exists) throw new RecoveryCaseNotFoundError();
    return state;
  }

  /** Loads the case (404 when there is none) and runs the command on it, made from the case if need be. */
  async runOn(
    caseId: string,
    command: RecoveryCommand | ((recoveryCase: RecoveryCase) => RecoveryCommand),
    context: RequestContext,
  ): Promise<{ state: RecoveryCase; events: readonly RecoveryEvent[] }> {
    const recoveryCase = await this.load(caseId);
    return this.run(recoveryCase, typeof command === 'function' ? command(recoveryCase) : command, context);
  }

  /** Runs `command` on the case (exact expected revision), its events naming the case's account. */
  async run(
    recoveryCase: RecoveryCase,
    command: RecoveryCommand,
    context: RequestContext,
  ): Promise<{ state: RecoveryCase; events: readonly RecoveryEvent[] }> {
    const outcome = await this.runner.run(recoveryCaseStream(recoveryCase.caseId), recoveryCaseDecider, command, context, {
      accountId: recoveryCase.accountId,
      occurredAt: this.clock.now(),
    });
    if (!outcome.state.exists) throw new RecoveryCaseNotFoundError();
    return { state: outcome.state, events: outcome.events };
  }
}

/** The case as support sees it: the request, the deadline and the evidence so far (never a true value). */
export function recoveryCaseView(state: RecoveryCase, now: Date) {
  return {
    id: state.caseId,
    accountId: state.accountId,
    status: state.status,
    lost: state.lost,
    fromEmail: state.fromEmail,
    accountEmail: state.accountEmail,
    subject: state.subject,
    body: state.body,
    senderMatchesAccount: state.senderMatchesAccount,
    openedAt: state.openedAt,
    dueBy: state.dueBy,
    overdue: isOverdue(state, now),
    decidedAt: state.decidedAt,
    evidence: {
      emailCodeSent: state.emailCode !== null,
      emailOwnership: state.emailOwnership,
      matchingChecks: matchingChecks(state),
      attemptsLeft: { emailCode: Math.max(0, ATTEMPTS_PER_CHECK - state.emailCodeAttempts), ...attemptsLeft(state) },
    },
    approval: state.approval,
    denialReason: state.denialReason,
  };
}

export type RecoveryCaseView = ReturnType<typeof recoveryCaseView>;
