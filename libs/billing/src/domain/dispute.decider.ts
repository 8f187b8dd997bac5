import { addBusinessDays, Holidays } from '@app/calendar';
import { assertNever, Decider, Occurred } from '@app/ddd';
import { DisputeResolvedError, InvoicingNotFoundError, InvoicingRequestInvalidError } from './invoicing.errors';
import { DisputeEvent, DisputeOutcome, DisputeStatus, InvoicingEventType } from './invoicing.events';

/** The billing team answers within two business days (the seed; design.md section 3, "business days"). */
export const DISPUTE_RESPONSE_BUSINESS_DAYS = 2;

export interface DisputeAnswer {
  readonly answerId: string;
  readonly message: string;
  readonly at: string;
}

export interface DisputeState {
  readonly exists: boolean;
  readonly disputeId: string;
  readonly accountId: string;
  readonly invoiceNumber: string | null;
  readonly chargeRef: string | null;
  readonly description: string;
  readonly status: DisputeStatus;
  readonly respondBy: string;
  readonly createdAt: string;
  readonly answers: readonly DisputeAnswer[];
  readonly outcome: DisputeOutcome | null;
  readonly creditMicros: number;
}

export const initialDisputeState: DisputeState = {
  exists: false,
  disputeId: '',
  accountId: '',
  invoiceNumber: null,
  chargeRef: null,
  description: '',
  status: 'open',
  respondBy: '',
  createdAt: '',
  answers: [],
  outcome: null,
  creditMicros: 0,
};

export interface OpenDispute {
  readonly kind: 'OpenDispute';
  readonly disputeId: string;
  readonly accountId: string;
  readonly invoiceNumber: string | null;
  readonly chargeRef: string | null;
  readonly description: string;
  readonly openedVia: 'account' | 'email';
  readonly now: Date;
  readonly holidays: Holidays;
}

export interface AnswerDispute {
  readonly kind: 'AnswerDispute';
  readonly answerId: string;
  readonly message: string;
}

export interface ResolveDispute {
  readonly kind: 'ResolveDispute';
  readonly outcome: DisputeOutcome;
  readonly creditMicros: number;
}

export type DisputeCommand = OpenDispute | AnswerDispute | ResolveDispute;

export function evolveDispute(state: DisputeState, event: Occurred<DisputeEvent>): DisputeState {
  switch (event.type) {
    case InvoicingEventType.DisputeOpened: {
      const { disputeId, accountId, invoiceNumber, chargeRef, description, respondBy } = event.data;
      return {
        ...initialDisputeState,
        exists: true,
        disputeId,
        accountId,
        invoiceNumber,
        chargeRef,
        description,
        respondBy,
        createdAt: event.occurredAt,
      };
    }
    case InvoicingEventType.DisputeAnswered:
      return {
        ...state,
        status: state.status === 'resolved' ? 'resolved' : 'answered',
        answers: [...state.answers, { answerId: event.data.answerId, message: event.data.message, at: event.occurredAt }],
      };
    case InvoicingEventType.DisputeResolved:
      return { ...state, status: 'resolved', outcome: event.data.outcome, creditMicros: event.data.creditMicros };
    default:
      return assertNever(event);
  }
}

function open(command: OpenDispute, state: DisputeState): DisputeEvent[] {
  if (state.exists) return [];
  if (command.invoiceNumber === null && command.chargeRef === null) {
    throw new InvoicingRequestInvalidError([{ field: 'invoiceNumber', message: 'Give invoiceNumber or chargeRef (or both)' }]);
  }
  const respondBy = addBusinessDays(command.now, DISPUTE_RESPONSE_BUSINESS_DAYS, command.holidays).toISOString();
  return [
    {
      type: InvoicingEventType.DisputeOpened,
      data: {
        disputeId: command.disputeId,
        accountId: command.accountId,
        invoiceNumber: command.invoiceNumber,
        chargeRef: command.chargeRef,
        description: command.description,
        respondBy,
        openedVia: command.openedVia,
      },
    },
  ];
}

function answer(command: AnswerDispute, state: DisputeState): DisputeEvent[] {
  if (!state.exists) throw new InvoicingNotFoundError('dispute');
  if (state.status === 'resolved') throw new DisputeResolvedError();
  return [
    {
      type: InvoicingEventType.DisputeAnswered,
      data: { disputeId: state.disputeId, accountId: state.accountId, answerId: command.answerId, message: command.message },
    },
  ];
}

function resolve(command: ResolveDispute, state: DisputeState): DisputeEvent[] {
  if (!state.exists) throw new InvoicingNotFoundError('dispute');
  if (state.status === 'resolved') throw new DisputeResolvedError();
  if (command.creditMicros > 0 && command.outcome !== 'upheld') {
    throw new InvoicingRequestInvalidError([{ field: 'creditMicros', message: 'Only an upheld dispute carries a credit' }]);
  }
  return [
    {
      type: InvoicingEventType.DisputeResolved,
      data: { disputeId: state.disputeId, accountId: state.accountId, outcome: command.outcome, creditMicros: command.creditMicros },
    },
  ];
}

export function decideDispute(command: DisputeCommand, state: DisputeState): DisputeEvent[] {
  switch (command.kind) {
    case 'OpenDispute':
      return open(command, state);
    case 'AnswerDispute':
      return answer(command, state);
    case 'ResolveDispute':
      return resolve(command, state);
    default:
      return assertNever(command);
  }
}

export const disputeDecider: Decider<DisputeCommand, DisputeState, DisputeEvent> = {
  initialState: initialDisputeState,
  evolve: evolveDispute,
  decide: decideDispute,
};

/** Not answered yet and past its deadline: decided when read, from the stored deadline and the clock. */
export function disputeOverdue(dispute: { status: DisputeStatus; respondBy: string }, now: Date): boolean {
  return dispute.status === 'open' && now.getTime() > Date.parse(dispute.respondBy);
}
