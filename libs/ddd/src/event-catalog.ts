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
