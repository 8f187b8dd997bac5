import { Injectable } from '@nestjs/common';
import { Invoice, parseInvoiceId } from '../domain/invoice.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { InvoicingStates } from './invoicing-states';

/**
 * An invoice by id, from its account's stream in the event store. The id names its account and period,
 * so no read model stands between an issued invoice and its reader; `accountId` (an account holder's
 * request) must be the invoice's account, else the answer is the same 404 as for an unknown id.
 */
@Injectable()
export class AccountInvoice {
  constructor(private readonly states: InvoicingStates) {}

  async find(invoiceId: string, accountId?: string): Promise<Invoice> {
    const parsed = parseInvoiceId(invoiceId);
    if (!parsed || (accountId !== undefined && parsed.accountId !== accountId)) throw new InvoicingNotFoundError('invoice');
    const { invoices } = await this.states.invoices(parsed.accountId);
    const invoice = invoices.find((i) => i.invoiceId === invoiceId);
    if (!invoice) throw new InvoicingNotFoundError('invoice');
    return invoice;
  }
}
