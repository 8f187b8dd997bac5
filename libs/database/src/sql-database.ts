/**
 * One SQL dialect (PostgreSQL) and one query path for both drivers: `pg` against a server and PGlite
 * embedded. Type rule for both: int8 arrives as `bigint`, numeric as `string`, jsonb as parsed JSON.
 * Always pass jsonb parameters as `JSON.stringify(value)`: `pg` would turn a JS array into a PG array.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * A statement of fixed text that runs often (an append): `pg` keeps it parsed and planned on each
   * connection (a named prepared statement) instead of parsing and planning it on every call. Only for
   * texts written in the code, never built from input: each one stays prepared for the connection's
   * life. PGlite prepares every statement anyway (`PGliteStatements`).
   */
  readonly prepare?: boolean;
}

export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A statement and its parameters. */
export interface Statement {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

export interface TransactionOptions {
  /**
   * The transaction's first statement, sent with its BEGIN: on `pg` one round trip instead of two
   * (one simple-protocol query, `BEGIN; <sql>`, its parameters written into it as literals); PGlite
   * runs it prepared, as any statement. Its result is `work`'s second argument. Only for a text written
   * in the code whose `$n` are all parameters, and parameters that are strings, integers (number or
   * bigint), booleans or null: anything else is refused.
   */
  readonly first?: Statement;
}

export type NotificationHandler = (payload: string) => void;

export interface SqlDatabase extends SqlExecutor {
  readonly driver: 'pg' | 'pglite';
  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws. `work`'s second
   * argument is the result of `options.first` (no rows without it).
   */
  transaction<T, First = Record<string, unknown>>(
    work: (tx: SqlExecutor, first: QueryResult<First>) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
