import { Module } from '@nestjs/common';
import { IdentityModule } from '@app/identity';
import { ClosePeriodController } from './close-period/close-period.controller';
import { ClosePeriodHandler } from './close-period/close-period.handler';
import { PeriodCloser } from './close-period/period-closer';
import { ScheduledPeriodClose } from './close-period/scheduled-close';
import { InvoicePdfController, InvoicePdfs, StaffInvoiceController } from './invoice-pdf/invoice-pdf.controller';
import { AccountInvoice } from './invoicing/account-invoice';
import { EnterpriseFeatures } from './invoicing/enterprise-features';
import { ListInvoicesController } from './list-invoices/list-invoices.controller';
import { RecordInvoicePaymentController } from './record-invoice-payment/record-invoice-payment.controller';
import { RecordInvoicePaymentHandler } from './record-invoice-payment/record-invoice-payment.handler';
import { SetInvoiceBillingController } from './set-invoice-billing/set-invoice-billing.controller';
import { SetInvoiceBillingHandler } from './set-invoice-billing/set-invoice-billing.handler';
import { AddPaymentMethodController } from './add-payment-method/add-payment-method.controller';
import { AddPaymentMethodHandler } from './add-payment-method/add-payment-method.handler';
import { DisputeJobs } from './dispute-reactions/dispute-reactions';
import { InvoicingStates } from './invoicing/invoicing-states';
import { DisputeListingReader } from './list-disputes/dispute-listing.reader';
import { ListDisputeQueueController, ListDisputesController } from './list-disputes/list-disputes.controller';
import { ListPaymentMethodsController } from './list-payment-methods/list-payment-methods.controller';
import { OpenDisputeController, OpenDisputeForAccountController } from './open-dispute/open-dispute.controller';
import { OpenDisputeHandler } from './open-dispute/open-dispute.handler';
import { RemovePaymentMethodController } from './remove-payment-method/remove-payment-method.controller';
import { RemovePaymentMethodHandler } from './remove-payment-method/remove-payment-method.handler';
import { ResolveDisputeController } from './resolve-dispute/resolve-dispute.controller';
import { ResolveDisputeHandler } from './resolve-dispute/resolve-dispute.handler';
import { RespondToDisputeController } from './respond-to-dispute/respond-to-dispute.controller';
import { RespondToDisputeHandler } from './respond-to-dispute/respond-to-dispute.handler';
import { UpdatePaymentMethodController } from './update-payment-method/update-payment-method.controller';
import { UpdatePaymentMethodHandler } from './update-payment-method/update-payment-method.handler';

/** Billing, invoicing side: payment methods, disputes, invoice billing, period close, invoices and PDFs. */
@Module({
  imports: [IdentityModule],
  controllers: [
    ListPaymentMethodsController,
    AddPaymentMethodController,
    UpdatePaymentMethodController,
    RemovePaymentMethodController,
    OpenDisputeController,
    OpenDisputeForAccountController,
    ListDisputesController,
    ListDisputeQueueController,
    RespondToDisputeController,
    ResolveDisputeController,
    ClosePeriodController,
    ListInvoicesController,
    InvoicePdfController,
    StaffInvoiceController,
    RecordInvoicePaymentController,
    SetInvoiceBillingController,
  ],
  providers: [
    InvoicingStates,
    InvoicePdfs,
    AddPaymentMethodHandler,
    UpdatePaymentMethodHandler,
    RemovePaymentMethodHandler,
    OpenDisputeHandler,
    RespondToDisputeHandler,
    ResolveDisputeHandler,
    DisputeListingReader,
    DisputeJobs,
    PeriodCloser,
    ClosePeriodHandler,
    ScheduledPeriodClose,
    AccountInvoice,
    RecordInvoicePaymentHandler,
    SetInvoiceBillingHandler,
    EnterpriseFeatures,
  ],
  exports: [EnterpriseFeatures],
})
export class InvoicingModule {}
