import { assertNever, Decider, Occurred } from '@app/ddd';
import { periodBounds } from './billing-period';
import { InvoicingNotFoundError, InvoicingRequestInvalidError } from './invoicing.errors';
import { InvoiceEvent, InvoiceIssued, InvoiceLine, InvoicingEventType, PaymentTerms } from './invoicing.events';
import { addMicros } from './money';

const DAY_MS = 24 * 3600 * 1000;

/** Design.md section 3: upfront invoices are due 3 days after issue (the charge window), net-30 ones 30. */
export const DUE_DAYS: Readonly<Record<PaymentTerms, number>> = { upfront: 3, net_30: 30 };

export type InvoiceStatus = 'open' | 'paid' | 'overdue';

export interface Invoice {
  readonly invoiceId: string;
  readonly accountId: string;
  readonly number: string;
  readonly period: string;
  readonly issuedAt: string;
  readonly dueAt: string;
  readonly paymentTerms: PaymentTerms;
  readonly lines: readonly InvoiceLine[];
  readonly totalMicros: number;
  readonly paidMicros: number;
  readonly paymentReferences: readonly string[];
}

export interface Credit {
  readonly creditId: string;
  readonly reason: string;
  readonly amountMicros: number;
  /** What is still to be taken off a coming invoice. */
  readonly remainingMicros: number;
}

/** An account's invoices (oldest first) and the credits its next invoices will show. */
export interface AccountInvoicesState {
  readonly invoices: readonly Invoice[];
  readonly credits: readonly Credit[];
}

export const initialAccountInvoicesState: AccountInvoicesState = { invoices: [], credits: [] };

export interface IssueInvoice {
  readonly kind: 'IssueInvoice';
  readonly invoiceId: string;
  readonly accountId: string;
  readonly period: string;
  readonly number: string;
  /** The period's usage by service (micro-units), as its closed ledger holds it. */
  readonly usage: Readonly<Record<string, number>>;
  /** Services in the order their lines appear. */
  readonly services: readonly string[];
  readonly paymentTerms: PaymentTerms;
  readonly issuedAt: Date;
}

export interface RecordInvoicePayment {
  readonly kind: 'RecordInvoicePayment';
  readonly invoiceId: string;
  readonly amountMicros: number;
  readonly paidAt: Date;
  readonly reference: string;
}

export interface GrantCredit {
  readonly kind: 'GrantCredit';
  readonly creditId: string;
  readonly disputeId: string;
  readonly amountMicros: number;
  readonly reason: string;
}

export type AccountInvoicesCommand = IssueInvoice | RecordInvoicePayment | GrantCredit;

/** The invoice of one account for one period: readable, and the same on every retry of a close. */
export const invoiceIdOf = (accountId: string, period: string): string => `${period}-${accountId}`;

export function parseInvoiceId(invoiceId: string): { period: string; accountId: string } | undefined {
  const match = /^(\d{4}-(?:0[1-9]|1[0-2]))-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(invoiceId);
  return match ? { period: match[1], accountId: match[2] } : undefined;
}

export function invoiceStatus(invoice: Pick<Invoice, 'paidMicros' | 'totalMicros' | 'dueAt'>, now: Date): InvoiceStatus {
  if (invoice.paidMicros >= invoice.totalMicros) return 'paid';
  return now.getTime() > Date.parse(invoice.dueAt) ? 'overdue' : 'open';
}

export const hasUnpaidInvoice = (state: AccountInvoicesState): boolean => state.invoices.some((i) => i.paidMicros < i.totalMicros);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function periodLabel(period: string): string {
  const { start } = periodBounds(period);
  return `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`;
}

const SERVICE_NAMES: Readonly<Record<string, string>> = { chat: 'Chat', video: 'Video', models: 'Models' };

export function evolveAccountInvoices(state: AccountInvoicesState, event: Occurred<InvoiceEvent>): AccountInvoicesState {
  switch (event.type) {
    case InvoicingEventType.InvoiceIssued: {
      const applied = new Map<string, number>();
      for (const line of event.data.lines) if (line.creditId) applied.set(line.creditId, -line.amountMicros);
      return {
        invoices: [...state.invoices, { ...event.data, paidMicros: 0, paymentReferences: [] }],
        credits: state.credits.map((c) =>
          applied.has(c.creditId) ? { ...c, remainingMicros: c.remainingMicros - applied.get(c.creditId)! } : c,
        ),
      };
    }
    case InvoicingEventType.InvoicePaymentRecorded: {
      const { invoiceId, amountMicros, reference } = event.data;
      return {
        ...state,
        invoices: state.invoices.map((i) =>
          i.invoiceId === invoiceId
            ? { ...i, paidMicros: addMicros(i.paidMicros, amountMicros), paymentReferences: [...i.paymentReferences, reference] }
            : i,
        ),
      };
    }
    case InvoicingEventType.CreditGranted: {
      const { creditId, amountMicros, reason } = event.data;
      return { ...state, credits: [...state.credits, { creditId, reason, amountMicros, remainingMicros: amountMicros }] };
    }
    default:
      return assertNever(event);
  }
}

/**
 * Usage lines per service, then the account's credits oldest first, each taken off up to what the
 * invoice still owes (a larger credit keeps its remainder for the next invoice): a total never below 0.
 */
function issue(command: IssueInvoice, state: AccountInvoicesState): InvoiceEvent[] {
  if (state.invoices.some((i) => i.period === command.period || i.invoiceId === command.invoiceId)) return [];
  const label = periodLabel(command.period);
  const lines: InvoiceLine[] = [];
  let total = 0;
  for (const service of command.services) {
    const amount = command.usage[service] ?? 0;
    if (amount <= 0) continue;
    lines.push({ kind: 'usage', service, description: `${SERVICE_NAMES[service] ?? service} usage, ${label}`, amountMicros: amount });
    total = addMicros(total, amount);
  }
  for (const credit of state.credits) {
    if (credit.remainingMicros <= 0 || total <= 0) continue;
    const applied = Math.min(credit.remainingMicros, total);
    lines.push({ kind: 'credit', description: credit.reason, amountMicros: -applied, creditId: credit.creditId });
    total -= applied;
  }
  const issuedAt = command.issuedAt.toISOString();
  const dueAt = new Date(command.issuedAt.getTime() + DUE_DAYS[command.paymentTerms] * DAY_MS).toISOString();
  const data: InvoiceIssued['data'] = {
    invoiceId: command.invoiceId,
    accountId: command.accountId,
    number: command.number,
    period: command.period,
    issuedAt,
    dueAt,
    paymentTerms: command.paymentTerms,
    lines,
    totalMicros: total,
  };
  return [{ type: InvoicingEventType.InvoiceIssued, data }];
}

function recordPayment(command: RecordInvoicePayment, state: AccountInvoicesState): InvoiceEvent[] {
  const invoice = state.invoices.find((i) => i.invoiceId === command.invoiceId);
  if (!invoice) throw new InvoicingNotFoundError('invoice');
  // A retry of the same payment (same reference) records nothing new.
  if (invoice.paymentReferences.includes(command.reference)) return [];
  if (command.paidAt.getTime() < Date.parse(invoice.issuedAt)) {
    throw new InvoicingRequestInvalidError([{ field: 'paidAt', message: 'paidAt is before the invoice was issued' }]);
  }
  return [
    {
      type: InvoicingEventType.InvoicePaymentRecorded,
      data: {
        invoiceId: invoice.invoiceId,
        amountMicros: command.amountMicros,
        paidAt: command.paidAt.toISOString(),
        reference: command.reference,
      },
    },
  ];
}

function grantCredit(command: GrantCredit, state: AccountInvoicesState): InvoiceEvent[] {
  if (command.amountMicros <= 0 || state.credits.some((c) => c.creditId === command.creditId)) return [];
  const { creditId, disputeId, amountMicros, reason } = command;
  return [{ type: InvoicingEventType.CreditGranted, data: { creditId, disputeId, amountMicros, reason } }];
}

export function decideAccountInvoices(command: AccountInvoicesCommand, state: AccountInvoicesState): InvoiceEvent[] {
  switch (command.kind) {
    case 'IssueInvoice':
      return issue(command, state);
    case 'RecordInvoicePayment':
      return recordPayment(command, state);
    case 'GrantCredit':
      return grantCredit(command, state);
    default:
      return assertNever(command);
  }
}

export const accountInvoicesDecider: Decider<AccountInvoicesCommand, AccountInvoicesState, InvoiceEvent> = {
  initialState: initialAccountInvoicesState,
  evolve: evolveAccountInvoices,
  decide: decideAccountInvoices,
};
