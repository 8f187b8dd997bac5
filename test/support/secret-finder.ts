/**
 * Finds which of many secrets (every token, key and TOTP secret a run was handed: thousands) occur in a
 * large text (a database dump, a process's log), without a scan of the text per secret. A secret made of
 * token characters (`[A-Za-z0-9_.-]`) can only occur inside a run of such characters, so each run is
 * checked at every offset against the secrets' first WINDOW characters; any other secret (a password
 * with punctuation) is looked for directly.
 */
const WINDOW = 20;
const TOKEN_RUN = /[A-Za-z0-9_.-]{20,}/g;
const TOKEN_ONLY = /^[A-Za-z0-9_.-]+$/;

export class SecretFinder {
  private readonly byHead = new Map<string, Array<{ kind: string; value: string }>>();
  private readonly others: Array<{ kind: string; value: string }> = [];
  private count = 0;

  /** Remembers `value` as a secret of `kind` (ignores anything that is not a string). */
  add(kind: string, value: unknown): void {
    if (typeof value !== 'string' || value.length < 8) return;
    this.count++;
    if (value.length >= WINDOW && TOKEN_ONLY.test(value)) {
      const head = value.slice(0, WINDOW);
      const list = this.byHead.get(head) ?? [];
      if (!list.some((secret) => secret.value === value)) list.push({ kind, value });
      this.byHead.set(head, list);
    } else if (!this.others.some((secret) => secret.value === value)) this.others.push({ kind, value });
  }

  /** Remembers the secrets an answer's body hands out: tokens, a full key, a TOTP secret, recovery codes. */
  addFrom(body: Record<string, unknown>): void {
    for (const field of ['accessToken', 'refreshToken', 'mfaToken', 'key', 'secret']) this.add(field, body[field]);
    if (Array.isArray(body.recoveryCodes)) for (const code of body.recoveryCodes) this.add('recoveryCode', code);
  }

  get size(): number {
    return this.count;
  }

  /** The kind of every secret found in `text`, each once, with the place named. */
  findIn(place: string, text: string): string[] {
    const found = new Set<string>();
    for (const secret of this.others) if (text.includes(secret.value)) found.add(`${secret.kind} in ${place}`);
    for (const [run] of text.matchAll(TOKEN_RUN)) {
      for (let offset = 0; offset + WINDOW <= run.length; offset++) {
        for (const secret of this.byHead.get(run.slice(offset, offset + WINDOW)) ?? [])
          if (run.startsWith(secret.value, offset)) found.add(`${secret.kind} in ${place}`);
      }
    }
    return [...found];
  }
}
