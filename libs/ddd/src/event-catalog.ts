import { EventTypeDeclaration, PersonalFieldCatalog } from '@app/event-store';

/**
 * The current schema version and the personal fields of each event type. Appending an event of an
 * unknown type is a bug caught at the first test, not a silent version 1. A bare number declares a
 * type without personal fields.
 */
export class EventCatalog implements PersonalFieldCatalog {
  private readonly declarations = new Map<string, EventTypeDeclaration>();

  register(types: Readonly<Record<string, number | EventTypeDeclaration>>): this {
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
  entries(): ReadonlyArray<readonly [string, EventTypeDeclaration]> {
    return [...this.declarations.entries()];
  }
}

function sameDeclaration(a: EventTypeDeclaration, b: EventTypeDeclaration): boolean {
  return a.version === b.version && JSON.stringify(a.personal ?? []) === JSON.stringify(b.personal ?? []);
}
