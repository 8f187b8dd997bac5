export * from './sql-database';
export { DatabaseUnavailableError, PgDatabase, quoteIdentifier } from './pg-database';
export { PGliteDatabase } from './pglite-database';
export { DataDirLock, DataDirInUseError } from './data-dir-lock';
export { migrate, Migration } from './migrations';
export { openDatabase } from './open-database';
