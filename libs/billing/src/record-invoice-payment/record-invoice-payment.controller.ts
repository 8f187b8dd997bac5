import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { ServiceTokenGuard } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RecordInvoicePaymentCommand } from './record-invoice-payment.command';
import { RecordInvoicePaymentDto } from './record-invoice-payment.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(ServiceTokenGuard)
@Controller('v1/billing/invoices')
export class RecordInvoicePaymentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/payments')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Recorded (again with the same reference: nothing new); the invoice reads paid once covered' })
  @ApiNotFoundResponse({ description: 'not_found' })
  async record(@Param('id') id: string, @Body() body: RecordInvoicePaymentDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new RecordInvoicePaymentCommand(id, body.amountMicros, new Date(body.paidAt), body.reference, context));
  }
}
