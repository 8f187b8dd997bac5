import PDFDocument from 'pdfkit';
import { Invoice, periodLabel } from '../domain/invoice.decider';
import { PaymentTerms } from '../domain/invoicing.events';
import { formatMicros } from '../dispute-reactions/dispute-reactions';

export interface InvoicePdfInput {
  readonly invoice: Invoice;
  readonly platformName: string;
  readonly accountEmail: string | null;
  readonly supportEmail: string;
}

const TERMS_TEXT: Readonly<Record<PaymentTerms, string>> = {
  upfront: 'Paid upfront: charged to your default payment method within 3 days of issue.',
  net_30: 'Invoice billing, net 30: payable within 30 days of issue.',
};

const date = (instant: string): string => instant.slice(0, 10);

const MARGIN = 56;
const WIDTH = 595.28 - 2 * MARGIN;
const AMOUNT_COLUMN = 140;

/** An A4 invoice with pdfkit's built-in Helvetica (no font files), its dates taken from the invoice. */
export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const { invoice } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Invoice ${invoice.number}`,
      Author: input.platformName,
      Subject: `${input.platformName} invoice for ${periodLabel(invoice.period)}`,
      CreationDate: new Date(invoice.issuedAt),
      ModDate: new Date(invoice.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(22).text(input.platformName, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(10).fillColor('#555555').text('AI platform: chat, video and models', MARGIN, doc.y);
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#000000').text('Invoice', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  doc.font('Helvetica').fontSize(10).text(invoice.number, MARGIN, doc.y, { width: WIDTH, align: 'right' });

  doc.moveDown(3);
  const top = doc.y;
  doc.font('Helvetica-Bold').fontSize(10).text('Billed to', MARGIN, top);
  doc
    .font('Helvetica')
    .text(input.accountEmail ?? 'Account holder')
    .text(`Account ${invoice.accountId}`);
  const facts: [string, string][] = [
    ['Invoice number', invoice.number],
    ['Billing period', `${periodLabel(invoice.period)} (${invoice.period})`],
    ['Issue date', date(invoice.issuedAt)],
    ['Due date', date(invoice.dueAt)],
    ['Payment terms', invoice.paymentTerms === 'net_30' ? 'Net 30' : 'Upfront'],
  ];
  let y = top;
  for (const [label, value] of facts) {
    doc.font('Helvetica-Bold').text(label, MARGIN + WIDTH / 2, y, { width: 100 });
    doc.font('Helvetica').text(value, MARGIN + WIDTH / 2 + 100, y, { width: WIDTH / 2 - 100 });
    y = doc.y + 2;
  }

  doc.y = Math.max(doc.y, y) + 24;
  const header = doc.y;
  doc
    .rect(MARGIN, header - 4, WIDTH, 18)
    .fill('#eeeeee')
    .fillColor('#000000');
  doc.font('Helvetica-Bold').text('Description', MARGIN + 6, header, { width: WIDTH - AMOUNT_COLUMN - 12 });
  doc.text('Amount', MARGIN + WIDTH - AMOUNT_COLUMN, header, { width: AMOUNT_COLUMN - 6, align: 'right' });
  doc.moveDown(0.8);
  doc.font('Helvetica');
  for (const line of invoice.lines) {
    const rowTop = doc.y;
    doc.text(line.description, MARGIN + 6, rowTop, { width: WIDTH - AMOUNT_COLUMN - 12 });
    const after = doc.y;
    doc.text(formatMicros(line.amountMicros), MARGIN + WIDTH - AMOUNT_COLUMN, rowTop, { width: AMOUNT_COLUMN - 6, align: 'right' });
    doc.y = Math.max(after, doc.y) + 4;
  }
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + WIDTH, doc.y)
    .strokeColor('#999999')
    .stroke();
  doc.moveDown(0.5);
  const totalTop = doc.y;
  doc
    .font('Helvetica-Bold')
    .fontSize(12)
    .text('Total', MARGIN + 6, totalTop, { width: WIDTH - AMOUNT_COLUMN - 12 });
  doc.text(formatMicros(invoice.totalMicros), MARGIN + WIDTH - AMOUNT_COLUMN, totalTop, { width: AMOUNT_COLUMN - 6, align: 'right' });

  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(10).text('Payment terms', MARGIN, doc.y);
  doc.font('Helvetica').text(`${TERMS_TEXT[invoice.paymentTerms]} Due ${date(invoice.dueAt)}.`, { width: WIDTH });
  doc.moveDown(1);
  doc.font('Helvetica-Bold').text('Questions or disputes', MARGIN, doc.y);
  doc
    .font('Helvetica')
    .text(
      `For billing disputes or unusual charges, email ${input.supportEmail} with the invoice number (${invoice.number}) and a description of the concern. The billing team responds within two business days.`,
      { width: WIDTH },
    );
  doc.end();
  return done;
}
