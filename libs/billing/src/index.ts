export { InvoicingModule } from './invoicing.module';
