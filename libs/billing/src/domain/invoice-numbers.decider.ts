import { assertNever, Decider, Occurred } from '@app/ddd';
import { InvoiceNumberAssignment, InvoiceNumbersAssigned, InvoicingEventType } from './invoicing.events';

/**
 * The register of one year's invoice numbers. Numbers are the register's own sequence, appended with
 * the stream's exact revision, so two closes can never hand out the same number or skip one; a number
 * is assigned before its invoice is issued, and a close that stopped in between issues the invoice
 * under the same number when it runs again (assignment is idempotent per invoice id).
 */
export interface InvoiceNumberRegisterState {
  readonly year: number;
  readonly issued: number;
  readonly byInvoiceId: ReadonlyMap<string, string>;
}

export const initialInvoiceNumberRegisterState: InvoiceNumberRegisterState = { year: 0, issued: 0, byInvoiceId: new Map() };

export interface AssignInvoiceNumbers {
  readonly kind: 'AssignInvoiceNumbers';
  readonly year: number;
  readonly requests: readonly { readonly invoiceId: string; readonly accountId: string; readonly period: string }[];
}

export const formatInvoiceNumber = (year: number, sequence: number): string => `INV-${year}-${String(sequence).padStart(6, '0')}`;

export function evolveInvoiceNumberRegister(
  state: InvoiceNumberRegisterState,
  event: Occurred<InvoiceNumbersAssigned>,
): InvoiceNumberRegisterState {
  switch (event.type) {
    case InvoicingEventType.InvoiceNumbersAssigned: {
      const byInvoiceId = new Map(state.byInvoiceId);
      for (const assignment of event.data.assignments) byInvoiceId.set(assignment.invoiceId, assignment.number);
      return { year: event.data.year, issued: state.issued + event.data.assignments.length, byInvoiceId };
    }
    default:
      return assertNever(event.type);
  }
}

export function decideInvoiceNumbers(command: AssignInvoiceNumbers, state: InvoiceNumberRegisterState): InvoiceNumbersAssigned[] {
  const assignments: InvoiceNumberAssignment[] = [];
  const seen = new Set<string>();
  for (const request of command.requests) {
    if (state.byInvoiceId.has(request.invoiceId) || seen.has(request.invoiceId)) continue;
    seen.add(request.invoiceId);
    assignments.push({ ...request, number: formatInvoiceNumber(command.year, state.issued + assignments.length + 1) });
  }
  if (assignments.length === 0) return [];
  return [{ type: InvoicingEventType.InvoiceNumbersAssigned, data: { year: command.year, assignments } }];
}

export const invoiceNumberRegisterDecider: Decider<AssignInvoiceNumbers, InvoiceNumberRegisterState, InvoiceNumbersAssigned> = {
  initialState: initialInvoiceNumberRegisterState,
  evolve: evolveInvoiceNumberRegister,
  decide: decideInvoiceNumbers,
};
