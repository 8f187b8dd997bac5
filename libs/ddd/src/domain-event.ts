/** What a decider returns: a type string that never changes and the event's data. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** An event as folded by `evolve`: with the instant it was recorded as having occurred. */
export type Occurred<Event extends DomainEvent> = Event & { readonly occurredAt: string };

/** A decider: pure rules of one stream, after Emmett's `decide` / `evolve`. */
export interface Decider<Command, State, Event extends DomainEvent> {
  readonly initialState: State;
  evolve(state: State, event: Occurred<Event>): State;
  decide(command: Command, state: State): Event[];
  /** For a stream that grows without end: its state is decided by a bounded tail (see `StreamTail`). */
  readonly tail?: StreamTail<Event>;
  /**
   * For a long-lived stream whose state needs every event: `CommandRunner` keeps its fold in memory
   * and reads only the events after it, so a command costs the same on an old stream as on a new one.
   */
  readonly remembered?: boolean;
}

/**
 * A stream whose state a bounded number of its latest events decide: a load reads at most `maxEvents`
 * backwards and folds from the newest event that `startsAfresh` (whose fold from the initial state is
 * the whole stream's), so its cost does not grow with the stream.
 */
export interface StreamTail<Event extends DomainEvent> {
  readonly maxEvents: number;
  startsAfresh(event: Occurred<Event>): boolean;
}

export function fold<State, Event>(evolve: (state: State, event: Event) => State, initial: State, events: readonly Event[]): State {
  return events.reduce(evolve, initial);
}

/** Ends an exhaustive switch: adding a member to a union without handling it is a compile error. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
