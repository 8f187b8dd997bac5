export { addBusinessDays, isBusinessDay, utcDateOf, type Holidays } from './business-days';
