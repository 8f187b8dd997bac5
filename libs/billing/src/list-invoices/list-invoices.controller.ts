import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { InvoicingRequestInvalidError } from '../domain/invoicing.errors';
import { AccountInvoice } from '../invoicing/account-invoice';
import { InvoiceDto, InvoicePageDto, invoiceView } from '../invoicing/invoice-view';
import { InvoicingStates } from '../invoicing/invoicing-states';
import { ListInvoicesQueryDto } from './list-invoices.dto';

const DEFAULT_PAGE_SIZE = 24;

/** From the account's invoice stream (about a dozen events a year): the history since the account began. */
@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/invoices')
export class ListInvoicesController {
  constructor(
    private readonly states: InvoicingStates,
    private readonly invoice: AccountInvoice,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOkResponse({ type: InvoicePageDto, description: 'Every invoice of the account, newest first; status decided when read' })
  async list(@Query() query: ListInvoicesQueryDto, @CurrentAccount() account: AuthenticatedAccount): Promise<InvoicePageDto> {
    const now = this.clock.now();
    const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE;
    const { invoices } = await this.states.invoices(account.accountId);
    const newestFirst = [...invoices].reverse();
    // The cursor is the number of the last invoice of the previous page: numbers only grow.
    let start = 0;
    if (query.cursor) {
      start = newestFirst.findIndex((i) => i.number === query.cursor) + 1;
      if (start === 0) throw new InvoicingRequestInvalidError([{ field: 'cursor', message: 'cursor is not one this list issued' }]);
    }
    const page = newestFirst.slice(start, start + limit);
    const more = start + limit < newestFirst.length;
    return { items: page.map((i) => invoiceView(i, now)), nextCursor: more ? page[page.length - 1].number : null };
  }

  @Get(':id')
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ description: "not_found: no such invoice, or another account's" })
  async get(@Param('id') id: string, @CurrentAccount() account: AuthenticatedAccount): Promise<InvoiceDto> {
    return invoiceView(await this.invoice.find(id, account.accountId), this.clock.now());
  }
}
