import { EventData, RecordedEvent } from './event-store.port';

/** Turns the data of `type` at `fromVersion` into the data of `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: EventData): EventData;
}

/**
 * Applied on read by every adapter, so readers only ever see the newest schema of each event.
 * Hashes are verified over the stored form: use a store's raw read for verification.
 */
export class UpcasterRegistry {
  private readonly byTypeAndVersion = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  register(upcaster: Upcaster): void {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (this.byTypeAndVersion.has(key)) throw new Error(`two upcasters for ${key}`);
    this.byTypeAndVersion.set(key, upcaster);
  }

  apply<E extends RecordedEvent>(event: E): E {
    let current: E = event;
    for (;;) {
      const upcaster = this.byTypeAndVersion.get(`${current.type}@${current.schemaVersion}`);
      if (!upcaster) return current;
      current = { ...current, data: upcaster.upcast(current.data), schemaVersion: current.schemaVersion + 1 };
    }
  }
}
