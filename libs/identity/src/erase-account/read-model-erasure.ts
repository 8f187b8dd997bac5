import { SqlDatabase } from '@app/database';
import { ERASED, isPersonalFieldName } from '@app/event-store';
import { ReadSideRegistry } from '@app/projections';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
}

/**
 * Blanks an erased account's rows in every read model the process registers: in each projection table
 * (its logical view) with an `account_id` column, every text column whose name looks personal (the
 * seam's rule: email, ip, user_agent, name, description, subject, body, ...) becomes "[erased]". A
 * rebuild gives the same, since the events themselves read "[erased]" once the key is gone.
 */
export async function eraseReadModels(db: SqlDatabase, readSide: ReadSideRegistry, accountId: string): Promise<number> {
  const tables = readSide.projections.flatMap((projection) => projection.tables.map((table) => table.name));
  if (tables.length === 0) return 0;
  const { rows } = await db.query<ColumnRow>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
    [tables],
  );
  const byTable = new Map<string, ColumnRow[]>();
  for (const row of rows) byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row]);
  let updated = 0;
  await db.transaction(async (tx) => {
    for (const [table, columns] of byTable) {
      if (!columns.some((column) => column.column_name === 'account_id')) continue;
      const personal = columns.filter((column) => column.data_type === 'text' && isPersonalFieldName(column.column_name));
      if (personal.length === 0) continue;
      const sets = personal.map((column) => `"${column.column_name}" = CASE WHEN "${column.column_name}" IS NULL THEN NULL ELSE $2 END`);
      const result = await tx.query(`UPDATE "${table}" SET ${sets.join(', ')} WHERE account_id = $1`, [accountId, ERASED]);
      updated += result.rowCount;
    }
  });
  return updated;
}
