import { INestApplicationContext } from '@nestjs/common';
import { Runtime } from '@app/core';
import { ReadSide } from '@app/projections';

/** What a command works with once the runtime is open (the service must be stopped on the embedded default). */
export interface CliContext {
  readonly runtime: Runtime;
  readonly readSide: ReadSide;
  /** The bounded contexts' handlers, read models and buses, as the worker has them (no HTTP). */
  readonly app: INestApplicationContext;
  /** Progress for a person; nothing is written with `--json`. */
  progress(line: string): void;
}

/**
 * The outcome of a command: `data` is printed with `--json` (one JSON document, nothing else on stdout),
 * `text` otherwise; `exitCode` for an outcome that is printed and still not a success (a broken chain: 3).
 */
export interface CliResult {
  readonly data: unknown;
  readonly text: string;
  readonly exitCode?: number;
}

/** A refusal a person can act on (bad argument, unknown account): exit code 1 with this message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * One operator command, one file in `apps/cli/commands/`, listed in `apps/cli/commands.ts`.
 * `opensRuntime: false` for a command that must work without the store (e.g. checking the configuration).
 * The file imports at its top only what its description and `checkArguments` need, and what `run` needs
 * inside `run` (`await import('@app/identity')`): every process loads every command's file for `--help`
 * and to find its command, and a context's entry brings most of the service's 3,200 modules with it.
 */
export interface CliCommand {
  /** The words that name it: `['roles', 'grant']`. */
  readonly name: readonly string[];
  /** The arguments after the name, for the usage line: `<email> <role>`. */
  readonly arguments: string;
  readonly summary: string;
  readonly opensRuntime: boolean;
  /**
   * Refuses arguments that are wrong whatever the store holds (a CliError with exit code 2), before the
   * store is opened: a usage error answers at once, also while the embedded service holds DATA_DIR.
   */
  checkArguments?(args: readonly string[]): void;
  run(args: readonly string[], context: CliContext | undefined): Promise<CliResult>;
}
