import { Body, Controller, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { SetInvoiceBillingCommand } from './set-invoice-billing.command';
import { SetInvoiceBillingDto } from './set-invoice-billing.dto';

@StaffRoutes('billing staff', 'billing')
@Controller('v1/staff/billing/accounts')
export class SetInvoiceBillingController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':id/invoice-billing')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Invoices issued from now on are due 30 days after issue (or 3, when turned off)' })
  @ApiForbiddenResponse({ description: 'forbidden: not billing staff; plan_required: the account is not on enterprise' })
  @ApiNotFoundResponse({ description: 'not_found: no such account' })
  async set(@Param('id') id: string, @Body() body: SetInvoiceBillingDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new SetInvoiceBillingCommand(id, body.enabled, context));
  }
}
