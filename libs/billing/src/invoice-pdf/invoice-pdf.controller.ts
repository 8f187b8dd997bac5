import { Controller, Get, Inject, Injectable, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AccountStates } from '@app/identity';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, StaffRoutes } from '@app/auth';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { Invoice } from '../domain/invoice.decider';
import { AccountInvoice } from '../invoicing/account-invoice';
import { InvoiceDto, invoiceView } from '../invoicing/invoice-view';
import { renderInvoicePdf } from './invoice-pdf.renderer';

export const PLATFORM_NAME = 'MiniMax';

/** Renders an invoice when asked: its numbers, amounts and dates, and the holder's email unless the account was erased. */
@Injectable()
export class InvoicePdfs {
  constructor(
    private readonly accounts: AccountStates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(invoice: Invoice, reply: FastifyReply): Promise<void> {
    const holder = await this.accounts.load(invoice.accountId);
    const pdf = await renderInvoicePdf({
      invoice,
      platformName: PLATFORM_NAME,
      accountEmail: holder.exists && holder.erasedAt === null ? holder.email : null,
      supportEmail: this.config.supportEmail,
    });
    await reply
      .status(200)
      .header('content-type', 'application/pdf')
      .header('cache-control', 'private, no-cache')
      .header('content-disposition', `inline; filename="${invoice.number}.pdf"`)
      .send(pdf);
  }
}

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/invoices')
export class InvoicePdfController {
  constructor(
    private readonly invoice: AccountInvoice,
    private readonly pdfs: InvoicePdfs,
  ) {}

  @Get(':id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The invoice as a PDF: platform, account, number, period, dates, lines, total, terms, dispute address' })
  @ApiNotFoundResponse({ description: "not_found: no such invoice, or another account's" })
  async pdf(@Param('id') id: string, @CurrentAccount() account: AuthenticatedAccount, @Res() reply: FastifyReply): Promise<void> {
    await this.pdfs.send(await this.invoice.find(id, account.accountId), reply);
  }
}

/**
 * Invoices are kept for the law after their account is closed or erased (their holder can no longer
 * sign in): billing staff read any invoice by id, the PDF naming no email once the account is erased.
 */
@StaffRoutes('billing staff', 'billing')
@Controller('v1/staff/billing/invoices')
export class StaffInvoiceController {
  constructor(
    private readonly invoice: AccountInvoice,
    private readonly pdfs: InvoicePdfs,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':id')
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ description: 'not_found: no such invoice' })
  async get(@Param('id') id: string): Promise<InvoiceDto> {
    return invoiceView(await this.invoice.find(id), this.clock.now());
  }

  @Get(':id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The invoice as a PDF, as its holder gets it (no email once the account is erased)' })
  @ApiNotFoundResponse({ description: 'not_found: no such invoice' })
  async pdf(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.pdfs.send(await this.invoice.find(id), reply);
  }
}
