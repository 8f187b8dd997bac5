import { PGliteDatabase, SqlDatabase } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import {
  applyEvents,
  asCaughtUp,
  physicalTableName,
  Projection,
  renderDdl,
  renderFill,
  TableNames,
  withoutFilledTables,
} from './projection';

/**
 * Runs one projection over an in-memory PGlite with no store: feed events, read rows by logical name.
 * For projection tests: "events in, rows out; the same events twice, the same rows".
 */
export class ProjectionTestbed {
  private constructor(
    readonly db: SqlDatabase,
    private readonly projection: Projection,
    private readonly tables: TableNames,
  ) {}

  static async create(projection: Projection, db?: SqlDatabase): Promise<ProjectionTestbed> {
    const database = db ?? (await PGliteDatabase.open());
    const tables: Record<string, string> = {};
    for (const table of projection.tables) {
      const physical = physicalTableName(table.name, 1);
      tables[table.name] = physical;
      await database.exec(`DROP VIEW IF EXISTS ${table.name}; DROP TABLE IF EXISTS ${physical};`);
      await database.exec(renderDdl(table, physical));
      await database.exec(`CREATE VIEW ${table.name} AS SELECT * FROM ${physical}`);
    }
    return new ProjectionTestbed(database, projection, tables);
  }

  /** One event per transaction, through `apply`, as live following does. */
  async feed(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      await this.db.transaction((tx) => this.projection.apply(event, tx, this.tables));
    }
  }

  /**
   * All events in one transaction, as catch-up and rebuilds do (through `applyBatch` when there is one),
   * as they read them (without what the projection declares it does not read: `asCaughtUp`).
   */
  async feedBatch(events: readonly RecordedEvent[]): Promise<void> {
    await this.db.transaction((tx) => applyEvents(this.projection, this.caughtUp(events), tx, this.tables));
  }

  /**
   * All events in one transaction as a generation filled from zero folds them, without the tables a
   * `fill` derives, then those filled (see `ProjectionTable.fill`).
   */
  async feedBatchThenFill(events: readonly RecordedEvent[]): Promise<void> {
    await this.db.transaction((tx) =>
      applyEvents(this.projection, this.caughtUp(events), tx, withoutFilledTables(this.projection, this.tables)),
    );
    await this.db.transaction(async (tx) => {
      for (const table of this.projection.tables) if (table.fill) await tx.exec(renderFill(table, this.tables));
    });
  }

  private caughtUp(events: readonly RecordedEvent[]): RecordedEvent[] {
    return events.map((event) => asCaughtUp(this.projection, event));
  }

  async rows<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
