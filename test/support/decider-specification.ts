import { Decider, DomainEvent, fold, Occurred } from '@app/ddd';

const DEFAULT_OCCURRED_AT = '2026-01-05T09:00:00.000Z';

/**
 * given([events]).when(command).then([events]) / .thenThrows(code): one line of setup, one of action,
 * one of outcome. Given events may carry their own `occurredAt`.
 */
export function deciderSpec<Command, State, Event extends DomainEvent>(decider: Decider<Command, State, Event>) {
  return {
    given(events: ReadonlyArray<Event | Occurred<Event>>) {
      const occurred = events.map((event) => ({ occurredAt: DEFAULT_OCCURRED_AT, ...event }) as Occurred<Event>);
      const state = fold(decider.evolve, decider.initialState, occurred);
      return {
        state,
        when(command: Command) {
          const act = () => decider.decide(command, state);
          return {
            then(expected: readonly Event[]): void {
              expect(act()).toEqual(expected);
            },
            thenThrows(code: string): void {
              expect(act).toThrow(expect.objectContaining({ code }) as never);
            },
            events: act,
          };
        },
      };
    },
  };
}
