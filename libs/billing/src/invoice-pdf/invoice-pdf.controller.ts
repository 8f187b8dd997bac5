import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AccountStates } from '@app/identity';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { AccountInvoice } from '../invoicing/account-invoice';
import { renderInvoicePdf } from './invoice-pdf.renderer';

export const PLATFORM_NAME = 'MiniMax';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/invoices')
export class InvoicePdfController {
  constructor(
    private readonly invoice: AccountInvoice,
    private readonly accounts: AccountStates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':id/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The invoice as a PDF: platform, account, number, period, dates, lines, total, terms, dispute address' })
  @ApiNotFoundResponse({ description: "not_found: no such invoice, or another account's" })
  async pdf(@Param('id') id: string, @CurrentAccount() account: AuthenticatedAccount, @Res() reply: FastifyReply): Promise<void> {
    const invoice = await this.invoice.find(id, account.accountId);
    const holder = await this.accounts.load(account.accountId);
    const pdf = await renderInvoicePdf({
      invoice,
      platformName: PLATFORM_NAME,
      accountEmail: holder.exists ? holder.email : null,
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
