import { DomainEvent, EventDeclarations, versionsOf } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const InvoicingEventType = {
  PaymentMethodAdded: 'billing.payment_method_added',
  PaymentMethodExpiryUpdated: 'billing.payment_method_expiry_updated',
  DefaultPaymentMethodChanged: 'billing.default_payment_method_changed',
  PaymentMethodRemoved: 'billing.payment_method_removed',
  DisputeOpened: 'billing.dispute_opened',
  DisputeAnswered: 'billing.dispute_answered',
  DisputeResolved: 'billing.dispute_resolved',
  PeriodClosed: 'billing.period_closed',
  InvoiceNumbersAssigned: 'billing.invoice_numbers_assigned',
  InvoiceIssued: 'billing.invoice_issued',
  InvoicePaymentRecorded: 'billing.invoice_payment_recorded',
  CreditGranted: 'billing.credit_granted',
  InvoiceBillingChanged: 'billing.invoice_billing_changed',
} as const;

export type InvoicingEventTypeName = (typeof InvoicingEventType)[keyof typeof InvoicingEventType];

/**
 * Each event type's schema version and its personal fields (paths into `data`): payment method digits
 * and free-text descriptions, which erasure crypto-shreds. Staff actions carry the staff member as the
 * event's actor (metadata), so no staff id is repeated here.
 */
export const invoicingEventDeclarations: EventDeclarations<InvoicingEventTypeName> = {
  [InvoicingEventType.PaymentMethodAdded]: { version: 1, personal: ['last4', 'routingNumber'] },
  [InvoicingEventType.PaymentMethodExpiryUpdated]: { version: 1 },
  [InvoicingEventType.DefaultPaymentMethodChanged]: { version: 1 },
  [InvoicingEventType.PaymentMethodRemoved]: { version: 1 },
  [InvoicingEventType.DisputeOpened]: { version: 1, personal: ['description'] },
  [InvoicingEventType.DisputeAnswered]: { version: 1, personal: ['message'] },
  [InvoicingEventType.DisputeResolved]: { version: 1 },
  [InvoicingEventType.PeriodClosed]: { version: 1 },
  [InvoicingEventType.InvoiceNumbersAssigned]: { version: 1 },
  [InvoicingEventType.InvoiceIssued]: { version: 1, personal: ['lines.description'] },
  [InvoicingEventType.InvoicePaymentRecorded]: { version: 1 },
  [InvoicingEventType.CreditGranted]: { version: 1 },
  [InvoicingEventType.InvoiceBillingChanged]: { version: 1 },
};

/** The versions alone, as the event catalog registers them. */
export const invoicingEventVersions = versionsOf(invoicingEventDeclarations) as Readonly<Record<InvoicingEventTypeName, number>>;

// ---- payment methods: one stream per account (`billing_payment_methods-<accountId>`) ----

export type PaymentMethodType = 'card' | 'ach';

/**
 * A card keeps its brand, last 4 digits and expiry; an ACH account its last 4 digits and routing
 * number. The processor's token is sealed (`tokenSealed`): it charges the method, so it is a secret.
 */
export type PaymentMethodAdded = DomainEvent<
  typeof InvoicingEventType.PaymentMethodAdded,
  {
    readonly methodId: string;
    readonly type: PaymentMethodType;
    readonly brand: string | null;
    readonly last4: string;
    readonly expMonth: number | null;
    readonly expYear: number | null;
    readonly routingNumber: string | null;
    readonly tokenSealed: string;
    readonly isDefault: boolean;
  }
>;

export type PaymentMethodExpiryUpdated = DomainEvent<
  typeof InvoicingEventType.PaymentMethodExpiryUpdated,
  { readonly methodId: string; readonly expMonth: number; readonly expYear: number }
>;

export type DefaultPaymentMethodChanged = DomainEvent<
  typeof InvoicingEventType.DefaultPaymentMethodChanged,
  { readonly methodId: string; readonly previousMethodId: string | null }
>;

/** `newDefaultMethodId`: the method that became the default because the removed one was it. */
export type PaymentMethodRemoved = DomainEvent<
  typeof InvoicingEventType.PaymentMethodRemoved,
  { readonly methodId: string; readonly newDefaultMethodId: string | null }
>;

export type PaymentMethodEvent = PaymentMethodAdded | PaymentMethodExpiryUpdated | DefaultPaymentMethodChanged | PaymentMethodRemoved;

export const paymentMethodsStream = (accountId: string): string => `billing_payment_methods-${accountId}`;

// ---- disputes: one stream per dispute (`billing_dispute-<disputeId>`) ----

export type DisputeStatus = 'open' | 'answered' | 'resolved';
export type DisputeOutcome = 'upheld' | 'rejected';

/** `openedVia`: `account` (the holder, through the API) or `email` (billing staff, for a mail that came in). */
export type DisputeOpened = DomainEvent<
  typeof InvoicingEventType.DisputeOpened,
  {
    readonly disputeId: string;
    readonly accountId: string;
    readonly invoiceNumber: string | null;
    readonly chargeRef: string | null;
    readonly description: string;
    readonly respondBy: string;
    readonly openedVia: 'account' | 'email';
  }
>;

export type DisputeAnswered = DomainEvent<
  typeof InvoicingEventType.DisputeAnswered,
  { readonly disputeId: string; readonly accountId: string; readonly answerId: string; readonly message: string }
>;

/** `creditMicros` (upheld only) reaches the account's next invoice as a negative line. */
export type DisputeResolved = DomainEvent<
  typeof InvoicingEventType.DisputeResolved,
  { readonly disputeId: string; readonly accountId: string; readonly outcome: DisputeOutcome; readonly creditMicros: number }
>;

export type DisputeEvent = DisputeOpened | DisputeAnswered | DisputeResolved;

export const disputeStream = (disputeId: string): string => `billing_dispute-${disputeId}`;

// ---- periods: one stream per period (`billing_period-YYYY-MM`) ----

/** From this event on, usage for `period` is refused (`period_closed`) and its invoices are issued. */
export type PeriodClosed = DomainEvent<typeof InvoicingEventType.PeriodClosed, { readonly period: string }>;

export const billingPeriodStream = (period: string): string => `billing_period-${period}`;

// ---- invoice numbers: one register per year of issue (`billing_invoice_numbers-YYYY`) ----

export interface InvoiceNumberAssignment {
  readonly invoiceId: string;
  readonly accountId: string;
  readonly period: string;
  /** `INV-YYYY-NNNNNN`: the register's sequence, so numbers are unique and gap-free. */
  readonly number: string;
}

export type InvoiceNumbersAssigned = DomainEvent<
  typeof InvoicingEventType.InvoiceNumbersAssigned,
  { readonly year: number; readonly assignments: readonly InvoiceNumberAssignment[] }
>;

export const invoiceNumberRegisterStream = (year: number): string => `billing_invoice_numbers-${year}`;

// ---- an account's invoices and credits: one stream per account (`billing_invoices-<accountId>`) ----

export type PaymentTerms = 'upfront' | 'net_30';

export interface InvoiceLine {
  readonly kind: 'usage' | 'credit';
  readonly service?: string;
  readonly description: string;
  /** Negative for a credit. */
  readonly amountMicros: number;
  /** The credit this line applies (credit lines only). */
  readonly creditId?: string;
}

export type InvoiceIssued = DomainEvent<
  typeof InvoicingEventType.InvoiceIssued,
  {
    readonly invoiceId: string;
    readonly accountId: string;
    readonly number: string;
    readonly period: string;
    readonly issuedAt: string;
    readonly dueAt: string;
    readonly paymentTerms: PaymentTerms;
    readonly lines: readonly InvoiceLine[];
    readonly totalMicros: number;
  }
>;

export type InvoicePaymentRecorded = DomainEvent<
  typeof InvoicingEventType.InvoicePaymentRecorded,
  { readonly invoiceId: string; readonly amountMicros: number; readonly paidAt: string; readonly reference: string }
>;

export type CreditGranted = DomainEvent<
  typeof InvoicingEventType.CreditGranted,
  { readonly creditId: string; readonly disputeId: string; readonly amountMicros: number; readonly reason: string }
>;

export type InvoiceEvent = InvoiceIssued | InvoicePaymentRecorded | CreditGranted;

export const accountInvoicesStream = (accountId: string): string => `billing_invoices-${accountId}`;

/** Invoice billing on net-30 terms, set by billing staff (`billing_invoice_billing-<accountId>`). */
export type InvoiceBillingChanged = DomainEvent<typeof InvoicingEventType.InvoiceBillingChanged, { readonly enabled: boolean }>;

export const invoiceBillingStream = (accountId: string): string => `billing_invoice_billing-${accountId}`;
