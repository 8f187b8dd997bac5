import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Invoice, invoiceStatus, InvoiceStatus } from '../domain/invoice.decider';
import { PaymentTerms } from '../domain/invoicing.events';

export class InvoiceLineDto {
  @ApiProperty({ enum: ['usage', 'credit'] }) kind: 'usage' | 'credit';
  @ApiPropertyOptional({ enum: ['chat', 'video', 'models'] }) service?: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Micro-units; negative for a credit' }) amountMicros: number;
}

export class InvoiceDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'INV-2026-000042' }) number: string;
  @ApiProperty({ example: '2026-11' }) period: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ enum: ['open', 'paid', 'overdue'], description: 'Decided when read' }) status: InvoiceStatus;
  @ApiProperty({ enum: ['upfront', 'net_30'] }) paymentTerms: PaymentTerms;
  @ApiProperty() totalMicros: number;
  @ApiProperty({ type: [InvoiceLineDto] }) lines: InvoiceLineDto[];
}

export class InvoicePageDto {
  @ApiProperty({ type: [InvoiceDto] }) items: InvoiceDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function invoiceView(invoice: Invoice, now: Date): InvoiceDto {
  return {
    id: invoice.invoiceId,
    number: invoice.number,
    period: invoice.period,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
    status: invoiceStatus(invoice, now),
    paymentTerms: invoice.paymentTerms,
    totalMicros: invoice.totalMicros,
    lines: invoice.lines.map(({ kind, service, description, amountMicros }) => ({
      kind,
      ...(service === undefined ? {} : { service }),
      description,
      amountMicros,
    })),
  };
}
