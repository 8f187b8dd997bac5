import { SqlDatabase } from '@app/database';
import { EventCatalog } from '@app/ddd';
import { ERASED, isPersonalFieldName } from '@app/event-store';
import { ReadSideRegistry } from '@app/projections';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
}

/** `lines.description` -> `description`, `routingNumber` -> `routing_number`: what columns and jsonb keys are called. */
function leafNames(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    const leaf = path.split('.').pop()!;
    return [leaf, leaf.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()];
  });
}

/**
 * Whether a column or jsonb key holds personal data: its name looks personal (the seam's rule: email,
 * ip, user_agent, name, description, subject, body, ...) or is the last segment of a field some
 * event type declares personal (`message` of a dispute answer, `title` of a notification, `reason`).
 */
export function personalNames(catalog: EventCatalog): (name: string) => boolean {
  const declared = new Set(catalog.entries().flatMap(([, declaration]) => leafNames(declaration.personal ?? [])));
  return (name) => declared.has(name) || isPersonalFieldName(name);
}

/** `value` with every string under a personal key replaced by "[erased]"; the very same value when none is. */
function blankJson(value: unknown, personal: (name: string) => boolean, underPersonal = false): unknown {
  if (typeof value === 'string') return underPersonal ? ERASED : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => blankJson(item, personal, underPersonal));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const replaced = blankJson(inner, personal, underPersonal || personal(key));
    if (replaced !== inner) (copy ??= { ...(value as Record<string, unknown>) })[key] = replaced;
  }
  return copy ?? value;
}

/**
 * Blanks an erased account's rows in every read model the process registers: in each projection table
 * (its logical view) with an `account_id` column, every text column with a personal name becomes
 * "[erased]", and in every jsonb column each string under a personal key (dispute answers' messages,
 * for instance). A rebuild gives the same, since the events themselves read "[erased]" once the key
 * is gone. Resolves to the rows changed.
 */
export async function eraseReadModels(
  db: SqlDatabase,
  readSide: ReadSideRegistry,
  catalog: EventCatalog,
  accountId: string,
): Promise<number> {
  const tables = readSide.projections.flatMap((projection) => projection.tables.map((table) => table.name));
  if (tables.length === 0) return 0;
  const personal = personalNames(catalog);
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
      const text = columns.filter((column) => column.data_type === 'text' && personal(column.column_name));
      if (text.length > 0) {
        const sets = text.map((column) => `"${column.column_name}" = CASE WHEN "${column.column_name}" IS NULL THEN NULL ELSE $2 END`);
        const result = await tx.query(`UPDATE "${table}" SET ${sets.join(', ')} WHERE account_id = $1`, [accountId, ERASED]);
        updated += result.rowCount;
      }
      for (const { column_name: column } of columns.filter((candidate) => candidate.data_type === 'jsonb')) {
        // Tables are the projections' views: rows are matched by their old document, not by a physical id.
        const { rows: documents } = await tx.query<{ doc: unknown }>(
          `SELECT DISTINCT "${column}" AS doc FROM "${table}" WHERE account_id = $1 AND "${column}" IS NOT NULL`,
          [accountId],
        );
        for (const { doc } of documents) {
          const blanked = blankJson(doc, personal);
          if (blanked === doc) continue;
          const result = await tx.query(`UPDATE "${table}" SET "${column}" = $3::jsonb WHERE account_id = $1 AND "${column}" = $2::jsonb`, [
            accountId,
            JSON.stringify(doc),
            JSON.stringify(blanked),
          ]);
          updated += result.rowCount;
        }
      }
    }
  });
  return updated;
}
