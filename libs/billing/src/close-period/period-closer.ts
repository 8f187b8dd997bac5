import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { BILLING_PERIOD_ACCOUNTS_TABLE } from '../../../../projections/billing-period-accounts/billing-period-accounts.projection';
import { billingPeriodDecider } from '../domain/billing-period-close.decider';
import { accountInvoicesDecider, invoiceIdOf } from '../domain/invoice.decider';
import { paymentTermsOf } from '../domain/invoice-billing.decider';
import { invoiceNumberRegisterDecider } from '../domain/invoice-numbers.decider';
import { accountInvoicesStream, billingPeriodStream, invoiceNumberRegisterStream } from '../domain/invoicing.events';
import { usageLedgerStream } from '../domain/usage.events';
import { monthToDateOf, usageLedgerDecider } from '../domain/usage-ledger.decider';
import { InvoicingStates } from '../invoicing/invoicing-states';

/** Numbers are assigned to this many invoices per append of the register. */
const ASSIGNMENT_BATCH = 500;

/**
 * Closing a period, in an order that a crash at any step and a second run complete without a gap:
 * 1. `billing.period_closed` on the period's stream: usage for it is refused from here on;
 * 2. each ledger of the period is closed with its exact revision (a record racing the close either
 *    lands before it, and is invoiced, or is refused), which gives the amounts invoiced;
 * 3. numbers are assigned in the year's register (exact revision: unique, in sequence) to the invoices
 *    not issued yet; the same invoice id gets the same number on a rerun;
 * 4. each invoice is issued on its account's stream, once per period.
 * Closing again issues nothing new, and finishes whatever an interrupted run left.
 */
@Injectable()
export class PeriodCloser {
  private readonly services: readonly string[];

  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.services = config.apiScopes;
  }

  async close(period: string, context: RequestContext): Promise<{ invoicesIssued: number }> {
    const now = this.clock.now();
    await this.runner.run(billingPeriodStream(period), billingPeriodDecider, { kind: 'CloseBillingPeriod', period, now }, context, {
      occurredAt: now,
    });

    const { rows } = await this.db.query<{ account_id: string }>(
      `SELECT account_id FROM ${BILLING_PERIOD_ACCOUNTS_TABLE} WHERE period = $1 ORDER BY account_id`,
      [period],
    );
    const toIssue: { accountId: string; invoiceId: string; usage: Readonly<Record<string, number>> }[] = [];
    for (const { account_id: accountId } of rows) {
      const ledger = await this.runner.run(
        usageLedgerStream(accountId, period),
        usageLedgerDecider,
        { kind: 'CloseUsageLedger', accountId, period },
        context,
        { accountId, occurredAt: now },
      );
      if (monthToDateOf(ledger.state.totals) === 0) continue;
      const invoices = await this.states.invoices(accountId);
      if (invoices.invoices.some((invoice) => invoice.period === period)) continue;
      toIssue.push({ accountId, invoiceId: invoiceIdOf(accountId, period), usage: ledger.state.totals });
    }

    const year = now.getUTCFullYear();
    const numbers = new Map<string, string>();
    for (let start = 0; start < toIssue.length; start += ASSIGNMENT_BATCH) {
      const requests = toIssue.slice(start, start + ASSIGNMENT_BATCH).map(({ accountId, invoiceId }) => ({ invoiceId, accountId, period }));
      const register = await this.runner.run(
        invoiceNumberRegisterStream(year),
        invoiceNumberRegisterDecider,
        { kind: 'AssignInvoiceNumbers', year, requests },
        context,
        { occurredAt: now },
      );
      for (const { invoiceId } of requests) numbers.set(invoiceId, register.state.byInvoiceId.get(invoiceId)!);
    }

    let invoicesIssued = 0;
    for (const { accountId, invoiceId, usage } of toIssue) {
      const paymentTerms = paymentTermsOf(await this.states.invoiceBilling(accountId));
      const issued = await this.runner.run(
        accountInvoicesStream(accountId),
        accountInvoicesDecider,
        {
          kind: 'IssueInvoice',
          invoiceId,
          accountId,
          period,
          number: numbers.get(invoiceId)!,
          usage,
          services: this.services,
          paymentTerms,
          issuedAt: now,
        },
        context,
        { accountId, occurredAt: now },
      );
      invoicesIssued += issued.events.length;
    }
    return { invoicesIssued };
  }
}
