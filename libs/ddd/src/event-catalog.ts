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
 * The current schema version of each event type. Appending an event of an unknown type is a bug
 * caught at the first test, not a silent version 1.
 */
export class EventCatalog {
  private readonly versions = new Map<string, number>();

  register(types: Readonly<Record<string, number>>): this {
    for (const [type, version] of Object.entries(types)) {
      const existing = this.versions.get(type);
      if (existing !== undefined && existing !== version) throw new Error(`event type ${type} registered twice`);
      this.versions.set(type, version);
    }
    return this;
  }

  schemaVersion(type: string): number {
    const version = this.versions.get(type);
    if (version === undefined) throw new Error(`event type ${type} is not in the catalog`);
    return version;
  }
}
