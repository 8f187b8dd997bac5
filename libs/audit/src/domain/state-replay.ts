import { Occurred, DomainEvent } from '@app/ddd';

/**
 * The auditors' account state as of an instant, rebuilt by replaying the account's events up to it
 * through the owning contexts' own `evolve` functions. A section folds the streams it owns, one state
 * per stream (several sections may read one stream), and renders its part of the answer from those states at the instant.
 */
export interface HistorySection<State = unknown, View = unknown> {
  readonly name: string;
  owns(stream: string): boolean;
  readonly initialState: State;
  evolve(state: State, event: Occurred<DomainEvent>): State;
  /** The section's part of the answer from the states of its streams (in order of their first event). */
  view(states: readonly State[], asOf: Date): View;
}

export interface ReplayedEvent {
  readonly stream: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly occurredAt: string;
}

/** Folds `events` (in log order, already limited to the instant) into every section's view. */
export function replayState(events: Iterable<ReplayedEvent>, sections: readonly HistorySection[], asOf: Date): Record<string, unknown> {
  // Per section, the state of each stream it owns (a stream may feed several sections).
  const states = sections.map(() => new Map<string, unknown>());
  const owners = new Map<string, number[]>();
  for (const event of events) {
    let owning = owners.get(event.stream);
    if (!owning) {
      owning = sections.flatMap((section, index) => (section.owns(event.stream) ? [index] : []));
      owners.set(event.stream, owning);
    }
    for (const index of owning) {
      const section = sections[index];
      const before = states[index].has(event.stream) ? states[index].get(event.stream) : section.initialState;
      states[index].set(event.stream, section.evolve(before, { type: event.type, data: event.data, occurredAt: event.occurredAt }));
    }
  }
  const answer: Record<string, unknown> = {};
  sections.forEach((section, index) => {
    const view = section.view([...states[index].values()], asOf);
    // Sections of one name (one answer from several streams) merge their objects.
    const before = answer[section.name];
    answer[section.name] = isObject(before) && isObject(view) ? { ...before, ...view } : view;
  });
  return answer;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
