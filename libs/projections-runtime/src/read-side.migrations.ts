import { Migration } from '@app/database';

/**
 * `projection_generations`: one row per generation of a projection's tables, with its checkpoint.
 * `projection_active`: which generation the views point at. A generation's checkpoint is updated in
 * the same transaction as its rows, so each event is applied exactly once.
 */
export const readSideMigrations: readonly Migration[] = [
  {
    id: 'read-side/001-checkpoints',
    sql: `
      CREATE TABLE projection_generations (
        name        text        NOT NULL,
        generation  integer     NOT NULL,
        version     integer     NOT NULL,
        position    bigint      NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, generation)
      );
      CREATE TABLE projection_active (
        name        text        PRIMARY KEY,
        generation  integer     NOT NULL,
        version     integer     NOT NULL,
        switched_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE reaction_checkpoints (
        name        text        PRIMARY KEY,
        position    bigint      NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    // True while a generation filled from zero leaves out the tables that a `fill` derives (see
    // `ProjectionTable.fill`); read and cleared under the checkpoint row's lock, so a runner of another
    // process sees the moment they are filled.
    id: 'read-side/002-generation-fill-pending',
    sql: `ALTER TABLE projection_generations ADD COLUMN fill_pending boolean NOT NULL DEFAULT false`,
  },
];
