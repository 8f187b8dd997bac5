import { PersonalFieldCatalog } from '@app/event-store';

/** One event type of a context: its current schema version and where personal data sits in its data. */
export interface EventDeclaration {
  readonly version: number;
  /** Dotted paths into the event's data of personal fields (`email`, `profile.name`), for crypto-shredding. */
  readonly personal?: readonly string[];
}

/** A declaration for every member of `EventType`: a missing one does not compile. */
export type EventDeclarations<EventType extends string> = { readonly [type in EventType]: EventDeclaration };

export function versionsOf(declarations: Readonly<Record<string, EventDeclaration>>): Record<string, number> {
  return Object.fromEntries(Object.entries(declarations).map(([type, declaration]) => [type, declaration.version]));
}

/**
 * The current schema version and the personal fields of each event type. Appending an event of an
 * unknown type is a bug caught at the first test, not a silent version 1. A bare number declares a
 * type without personal fields. The erasure seam reads the personal fields from here.
 */
export class EventCatalog implements PersonalFieldCatalog {
  private readonly declarations = new Map<string, EventDeclaration>();

  register(types: Readonly<Record<string, number | EventDeclaration>>): this {
    for (const [type, entry] of Object.entries(types)) {
      const declaration = typeof entry === 'number' ? { version: entry } : entry;
      const existing = this.declarations.get(type);
      if (existing !== undefined && !sameDeclaration(existing, declaration)) throw new Error(`event type ${type} registered twice`);
      this.declarations.set(type, declaration);
    }
    return this;
  }

  schemaVersion(type: string): number {
    const declaration = this.declarations.get(type);
    if (declaration === undefined) throw new Error(`event type ${type} is not in the catalog`);
    return declaration.version;
  }

  personalPaths(type: string): readonly string[] {
    return this.declarations.get(type)?.personal ?? [];
  }

  /** Every registered type with its declaration (the test over every event type reads it). */
  entries(): ReadonlyArray<readonly [string, EventDeclaration]> {
    return [...this.declarations.entries()];
  }
}

function sameDeclaration(a: EventDeclaration, b: EventDeclaration): boolean {
  return a.version === b.version && JSON.stringify(a.personal ?? []) === JSON.stringify(b.personal ?? []);
}
