import { deciderSpec } from '@app/testing';
import { containsCardNumber } from '../src/domain/card-number';
import { disputeDecider, disputeOverdue } from '../src/domain/dispute.decider';
import { accountInvoicesDecider, invoiceStatus } from '../src/domain/invoice.decider';
import { invoiceBillingDecider } from '../src/domain/invoice-billing.decider';
import { invoiceNumberRegisterDecider } from '../src/domain/invoice-numbers.decider';
import { billingPeriodDecider, previousPeriod } from '../src/domain/billing-period-close.decider';
import { InvoiceIssued, InvoicingEventType as T, PaymentMethodAdded } from '../src/domain/invoicing.events';
import { paymentMethodsDecider } from '../src/domain/payment-method.decider';

const now = new Date('2026-12-04T15:30:00.000Z'); // a Friday
const card = (methodId: string, isDefault: boolean): PaymentMethodAdded => ({
  type: T.PaymentMethodAdded,
  data: {
    methodId,
    type: 'card',
    brand: 'visa',
    last4: '4242',
    expMonth: 12,
    expYear: 2030,
    routingNumber: null,
    tokenSealed: 's',
    isDefault,
  },
});

describe('payment methods', () => {
  const spec = deciderSpec(paymentMethodsDecider);
  const addAch = { kind: 'AddPaymentMethod', methodId: 'm2', tokenSealed: 's', now } as const;

  it('makes the first method the default, and refuses ACH below enterprise', () => {
    const events = spec
      .given([])
      .when({
        kind: 'AddPaymentMethod',
        methodId: 'm1',
        tokenSealed: 's',
        plan: 'basic',
        now,
        details: { type: 'card', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2027 },
      })
      .events();
    expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ methodId: 'm1', isDefault: true }) })]);
    spec
      .given([card('m1', true)])
      .when({ ...addAch, plan: 'professional', details: { type: 'ach', accountLast4: '6789', routingNumber: '110000000' } })
      .thenThrows('plan_required');
    expect(
      spec
        .given([card('m1', true)])
        .when({ ...addAch, plan: 'enterprise', details: { type: 'ach', accountLast4: '6789', routingNumber: '110000000' } })
        .events()[0].data,
    ).toMatchObject({ type: 'ach', last4: '6789', isDefault: false });
  });

  it('refuses an expired card, keeps one default, moves the default on removal', () => {
    spec
      .given([])
      .when({
        kind: 'AddPaymentMethod',
        methodId: 'm1',
        tokenSealed: 's',
        plan: 'basic',
        now,
        details: { type: 'card', brand: 'visa', last4: '4242', expMonth: 11, expYear: 2026 },
      })
      .thenThrows('invalid_request');
    spec
      .given([card('m1', true)])
      .when({ kind: 'UpdatePaymentMethod', methodId: 'm1', isDefault: false, now })
      .thenThrows('invalid_request');
    spec
      .given([card('m1', true), card('m2', false)])
      .when({ kind: 'UpdatePaymentMethod', methodId: 'm2', isDefault: true, now })
      .then([{ type: T.DefaultPaymentMethodChanged, data: { methodId: 'm2', previousMethodId: 'm1' } }]);
    spec
      .given([card('m1', true), card('m2', false)])
      .when({ kind: 'RemovePaymentMethod', methodId: 'm1', hasUnpaidInvoice: true })
      .then([{ type: T.PaymentMethodRemoved, data: { methodId: 'm1', newDefaultMethodId: 'm2' } }]);
  });

  it('keeps the last method while an invoice is unpaid', () => {
    spec
      .given([card('m1', true)])
      .when({ kind: 'RemovePaymentMethod', methodId: 'm1', hasUnpaidInvoice: true })
      .thenThrows('payment_method_required');
    spec
      .given([card('m1', true)])
      .when({ kind: 'RemovePaymentMethod', methodId: 'm1', hasUnpaidInvoice: false })
      .then([{ type: T.PaymentMethodRemoved, data: { methodId: 'm1', newDefaultMethodId: null } }]);
    spec
      .given([card('m1', true)])
      .when({ kind: 'RemovePaymentMethod', methodId: 'nope', hasUnpaidInvoice: false })
      .thenThrows('not_found');
  });

  it('recognises full card numbers and nothing shorter', () => {
    expect(containsCardNumber('4242424242424242')).toBe(true);
    expect(containsCardNumber('card 4242 4242 4242 4242 please')).toBe(true);
    expect(containsCardNumber('5555-5555-5555-4444')).toBe(true);
    expect(containsCardNumber('4242424242424241')).toBe(false);
    expect(containsCardNumber('tok_visa_4242')).toBe(false);
  });
});

describe('disputes', () => {
  const spec = deciderSpec(disputeDecider);
  const open = {
    kind: 'OpenDispute',
    disputeId: 'd1',
    accountId: 'a1',
    invoiceNumber: 'INV-2026-000001',
    chargeRef: null,
    description: 'Twice',
    openedVia: 'account',
    holidays: [],
  } as const;

  it('is due 2 business days later at the same time: a Friday is due on Tuesday, a holiday is skipped', () => {
    expect(
      spec
        .given([])
        .when({ ...open, now })
        .events()[0].data,
    ).toMatchObject({ respondBy: '2026-12-08T15:30:00.000Z' });
    expect(
      spec
        .given([])
        .when({ ...open, now: new Date('2026-12-23T10:00:00Z'), holidays: ['2026-12-24', '2026-12-25'] })
        .events()[0].data,
    ).toMatchObject({ respondBy: '2026-12-29T10:00:00.000Z' });
  });

  it('needs a reference; answers until resolved; a credit only when upheld', () => {
    spec
      .given([])
      .when({ ...open, now, invoiceNumber: null })
      .thenThrows('invalid_request');
    const opened = spec
      .given([])
      .when({ ...open, now })
      .events();
    spec.given(opened).when({ kind: 'ResolveDispute', outcome: 'rejected', creditMicros: 5 }).thenThrows('invalid_request');
    const resolved = [
      ...opened,
      { type: T.DisputeResolved, data: { disputeId: 'd1', accountId: 'a1', outcome: 'upheld', creditMicros: 5 } } as const,
    ];
    spec.given(resolved).when({ kind: 'AnswerDispute', answerId: 'x', message: 'late' }).thenThrows('dispute_resolved');
    const state = spec.given(opened).state;
    expect(disputeOverdue(state, new Date('2026-12-08T15:30:01Z'))).toBe(true);
    expect(disputeOverdue(state, new Date('2026-12-08T15:30:00Z'))).toBe(false);
  });
});

describe('invoices', () => {
  const spec = deciderSpec(accountInvoicesDecider);
  const issue = {
    kind: 'IssueInvoice',
    invoiceId: 'i1',
    accountId: 'a1',
    period: '2026-11',
    number: 'INV-2026-000001',
    usage: { chat: 1_500_000, models: 250_000 },
    services: ['chat', 'video', 'models'],
    paymentTerms: 'upfront',
    issuedAt: new Date('2026-12-03T00:00:00Z'),
  } as const;

  it('lists usage per service, takes credits off up to the total, and is due 3 or 30 days after issue', () => {
    const credit = {
      type: T.CreditGranted,
      data: { creditId: 'c1', disputeId: 'd1', amountMicros: 2_000_000, reason: 'Credit for dispute' },
    } as const;
    const [issued] = spec.given([credit]).when(issue).events() as InvoiceIssued[];
    expect(issued.data.lines).toEqual([
      { kind: 'usage', service: 'chat', description: 'Chat usage, November 2026', amountMicros: 1_500_000 },
      { kind: 'usage', service: 'models', description: 'Models usage, November 2026', amountMicros: 250_000 },
      { kind: 'credit', description: 'Credit for dispute', amountMicros: -1_750_000, creditId: 'c1' },
    ]);
    expect(issued.data).toMatchObject({ totalMicros: 0, dueAt: '2026-12-06T00:00:00.000Z' });
    const [next] = spec
      .given([credit, issued])
      .when({ ...issue, invoiceId: 'i2', period: '2026-12', paymentTerms: 'net_30' })
      .events() as InvoiceIssued[];
    expect(next.data.lines.at(-1)).toEqual({ kind: 'credit', description: 'Credit for dispute', amountMicros: -250_000, creditId: 'c1' });
    expect(next.data.dueAt).toBe('2027-01-02T00:00:00.000Z');
  });

  it('issues a period once; payments once per reference; status decided when read', () => {
    const [issued] = spec.given([]).when(issue).events() as InvoiceIssued[];
    spec
      .given([issued])
      .when({ ...issue, invoiceId: 'other' })
      .then([]);
    const pay = {
      kind: 'RecordInvoicePayment',
      invoiceId: 'i1',
      amountMicros: 1_750_000,
      paidAt: new Date('2026-12-04T00:00:00Z'),
      reference: 'ch_1',
    } as const;
    const [paid] = spec.given([issued]).when(pay).events();
    spec.given([issued, paid]).when(pay).then([]);
    spec
      .given([issued])
      .when({ ...pay, invoiceId: 'nope' })
      .thenThrows('not_found');
    const unpaid = spec.given([issued]).state.invoices[0];
    expect(invoiceStatus(unpaid, new Date('2026-12-05T00:00:00Z'))).toBe('open');
    expect(invoiceStatus(unpaid, new Date('2026-12-06T00:00:01Z'))).toBe('overdue');
    expect(invoiceStatus(spec.given([issued, paid]).state.invoices[0], new Date('2027-01-01T00:00:00Z'))).toBe('paid');
  });
});

describe('invoice numbers, periods and invoice billing', () => {
  it('numbers invoices in sequence without gaps, once per invoice', () => {
    const spec = deciderSpec(invoiceNumberRegisterDecider);
    const [first] = spec
      .given([])
      .when({
        kind: 'AssignInvoiceNumbers',
        year: 2026,
        requests: [
          { invoiceId: 'i1', accountId: 'a1', period: '2026-11' },
          { invoiceId: 'i2', accountId: 'a2', period: '2026-11' },
        ],
      })
      .events();
    expect(first.data.assignments.map((a) => a.number)).toEqual(['INV-2026-000001', 'INV-2026-000002']);
    const [second] = spec
      .given([first])
      .when({
        kind: 'AssignInvoiceNumbers',
        year: 2026,
        requests: [
          { invoiceId: 'i2', accountId: 'a2', period: '2026-11' },
          { invoiceId: 'i3', accountId: 'a3', period: '2026-11' },
        ],
      })
      .events();
    expect(second.data.assignments).toEqual([{ invoiceId: 'i3', accountId: 'a3', period: '2026-11', number: 'INV-2026-000003' }]);
  });

  it('closes only a month that is over, once', () => {
    const spec = deciderSpec(billingPeriodDecider);
    spec.given([]).when({ kind: 'CloseBillingPeriod', period: '2026-12', now }).thenThrows('period_open');
    spec.given([]).when({ kind: 'CloseBillingPeriod', period: '2027-01', now }).thenThrows('period_open');
    spec
      .given([])
      .when({ kind: 'CloseBillingPeriod', period: '2026-11', now })
      .then([{ type: T.PeriodClosed, data: { period: '2026-11' } }]);
    spec
      .given([{ type: T.PeriodClosed, data: { period: '2026-11' } }])
      .when({ kind: 'CloseBillingPeriod', period: '2026-11', now })
      .then([]);
    expect(previousPeriod(new Date('2027-01-03T00:00:00Z'))).toBe('2026-12');
  });

  it('turns net-30 on for enterprise only, and off for anyone', () => {
    const spec = deciderSpec(invoiceBillingDecider);
    spec.given([]).when({ kind: 'SetInvoiceBilling', enabled: true, plan: 'professional' }).thenThrows('plan_required');
    spec
      .given([])
      .when({ kind: 'SetInvoiceBilling', enabled: true, plan: 'enterprise' })
      .then([{ type: T.InvoiceBillingChanged, data: { enabled: true } }]);
    spec
      .given([{ type: T.InvoiceBillingChanged, data: { enabled: true } }])
      .when({ kind: 'SetInvoiceBilling', enabled: false, plan: 'professional' })
      .then([{ type: T.InvoiceBillingChanged, data: { enabled: false } }]);
  });
});
