import {
  canonicalJson,
  canonicalMetadata,
  chainedHashes,
  EncodedEvent,
  eventHash,
  eventHashOfEncoded,
  isPlainJson,
  plainJsonOrder,
} from '@app/event-store';

// The encoding is what every stored hash was computed over: these expectations were produced by the
// first implementation, so a faster one must give them back byte for byte.
describe('hash chain encoding', () => {
  it('sorts keys at every depth, drops undefined fields, writes undefined array items as null and keeps holes empty', () => {
    // eslint-disable-next-line no-sparse-arrays
    const value = { b: [1, undefined, , 'x'], a: { d: null, c: undefined, é: 2, B: true }, n: 10n, s: 'q"' };
    expect(canonicalJson(value)).toBe('{"a":{"B":true,"d":null,"é":2},"b":[1,null,,"x"],"n":"10","s":"q\\""}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
  });

  it('encodes flat records whose keys are in order as the general path does, and leaves every other shape to it', () => {
    const records = [
      { amountMicros: 1, idempotencyKey: 'k"1', occurredAt: '2026-01-01T00:00:00.000Z', service: 'chat' },
      { a: true, b: null, c: -0, d: 'é' },
    ];
    expect(canonicalJson(records)).toBe(
      '[{"amountMicros":1,"idempotencyKey":"k\\"1","occurredAt":"2026-01-01T00:00:00.000Z","service":"chat"},{"a":true,"b":null,"c":0,"d":"é"}]',
    );
    // Shapes JSON.stringify writes otherwise: out of order, integer-like keys (enumerated numerically),
    // undefined, a Date (toJSON), a non-finite number, a hole, nested values, a null prototype.
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
    expect(canonicalJson([{ '9': 1, '10': 2 }])).toBe('[{"10":2,"9":1}]');
    expect(canonicalJson([{ a: 1, b: undefined }])).toBe('[{"a":1}]');
    expect(canonicalJson([{ at: new Date(0) }])).toBe('[{"at":{}}]');
    expect(canonicalJson([{ n: Number.NaN }, Number.POSITIVE_INFINITY])).toBe('[{"n":null},null]');
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([{ a: 1 }, , 2])).toBe('[{"a":1},,2]');
    expect(canonicalJson([{ a: { d: 1, c: 2 } }])).toBe('[{"a":{"c":2,"d":1}}]');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { a: 1, b: 'x' }))).toBe('{"a":1,"b":"x"}');
  });

  it('sorts keys in any order, few or many, as Array.prototype.sort does', () => {
    for (const count of [2, 5, 16, 17, 40]) {
      const keys = Array.from({ length: count }, (_, index) => `k${(index * 7919) % 97}${index % 3 ? 'é' : 'B'}`);
      const record = Object.fromEntries(keys.map((key, index) => [key, { z: index, a: [key] }]));
      const expected = `{${[...keys]
        .sort()
        .map((key) => `${JSON.stringify(key)}:{"a":[${JSON.stringify(key)}],"z":${keys.indexOf(key)}}`)
        .join(',')}}`;
      expect(canonicalJson(record)).toBe(expected);
      expect(canonicalJson(Object.fromEntries(Object.entries(record).reverse()))).toBe(expected);
    }
  });

  it('tells plain JSON (what reads back from its JSON as itself) from every other value', () => {
    expect(isPlainJson({ a: [1, 'x', true, null, { b: -0 }], c: {} })).toBe(true);
    expect(isPlainJson(Object.assign(Object.create(null) as object, { a: 1 }))).toBe(true);
    // eslint-disable-next-line no-sparse-arrays
    for (const value of [{ a: undefined }, [undefined], [1, , 2], { a: Number.NaN }, { at: new Date(0) }, { n: 1n }, { f: () => 1 }])
      expect(isPlainJson(value)).toBe(false);
    expect(isPlainJson({ toJSON: () => 'x' })).toBe(false);
    expect(isPlainJson(Object.create({ inherited: 1 }) as object)).toBe(false);
  });

  it('takes as its own canonical encoding only plain JSON in key order at every depth', () => {
    const sorted = [
      { a: [1, { b: 'x', c: null }], d: { e: -0, f: [] } },
      'é',
      1.5,
      [],
      {},
      Object.assign(Object.create(null) as object, { a: 1 }),
    ];
    for (const value of sorted) {
      expect(plainJsonOrder(value)).toBe('sorted');
      expect(JSON.stringify(value)).toBe(canonicalJson(value));
    }
    // out of order at some depth, integer-like keys (enumerated numerically), not plain JSON
    for (const value of [
      { b: 1, a: 2 },
      { a: [{ d: 1, c: 2 }] },
      { '9': 1, '10': 2 },
      { a: undefined },
      // eslint-disable-next-line no-sparse-arrays
      [1, , 2],
      { at: new Date(0) },
      { n: 1n },
    ])
      expect(plainJsonOrder(value)).not.toBe('sorted');
  });

  it('hashes an event as before, ignoring the chain links in its metadata', () => {
    const event = {
      id: '6f1c2a4e-0b7d-4c39-9a52-3e8f1d2b7c60',
      stream: 'apiKey-1',
      revision: 3,
      type: 'api_key.created',
      schemaVersion: 1,
      data: { name: 'k', scopes: ['chat'] },
      metadata: {
        accountId: 'a-1',
        actor: { kind: 'account' as const, id: 'a-1' },
        correlationId: 'c-1',
        occurredAt: '2026-01-01T00:00:00.000Z',
        prevHash: 'ignored',
        hash: 'ignored',
      },
    };
    expect(eventHash(event, 'f'.repeat(64))).toBe('17aae20c375b7093eff928b1a9c09a489b0bca63b0336aea3e2010ef0c74079e');
  });
});

describe('chained hashes of consecutive events', () => {
  const metadata = (id: string) => canonicalMetadata({ actor: { kind: 'account', id }, correlationId: 'c', occurredAt: 'now' });
  // Texts that need escaping in JSON, and runs of one type and schema version broken by another.
  const events: EncodedEvent[] = [
    { id: 'a', type: 'api_key.created', schemaVersion: 1, encodedData: '{"a":1}', encodedMetadata: metadata('x') },
    { id: 'b"\\', type: 'api_key.created', schemaVersion: 1, encodedData: undefined, encodedMetadata: '{}' },
    { id: 'c', type: 'api_key.revoked', schemaVersion: 1, encodedData: '[]', encodedMetadata: metadata('é') },
    { id: 'd', type: 'api_key.revoked', schemaVersion: 2, encodedData: '{}', encodedMetadata: metadata('y') },
    { id: 'e\u0001', type: 'type "quoted"\n', schemaVersion: 2, encodedData: '{}', encodedMetadata: metadata('z') },
    { id: 'f', type: 'api_key.created', schemaVersion: 1, encodedData: '"x"', encodedMetadata: metadata('w') },
  ];
  const oneByOne = (stream: string, firstRevision: number, prevHash: string | null): string[] => {
    const hashes: string[] = [];
    for (const [index, { encodedData, encodedMetadata, ...event }] of events.entries()) {
      prevHash = eventHashOfEncoded({ ...event, stream, revision: firstRevision + index }, encodedData, encodedMetadata, prevHash);
      hashes.push(prevHash);
    }
    return hashes;
  };

  it('are the hashes of the events one by one, each chained to the one before', () => {
    for (const [stream, firstRevision, prevHash] of [
      ['apiKey-1', 0, null],
      ['stream "with" \\ quotes/é', 7, 'f'.repeat(64)],
      ['s', 3, 'not "hex" \\'],
    ] as const) {
      expect(chainedHashes(stream, firstRevision, prevHash, events)).toEqual(oneByOne(stream, firstRevision, prevHash));
    }
    expect(chainedHashes('s', 0, null, [])).toEqual([]);
  });
});
