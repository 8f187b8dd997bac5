import {
  isEventSeal,
  isSealed,
  isSealedPlaceholder,
  openEntries,
  openValue,
  placeholderIndex,
  sealedKeyId,
  sealedPlaceholder,
  sealEntries,
  sealValue,
} from '@app/event-store';

const key = Buffer.alloc(32, 7);

describe('sealed values', () => {
  it('opens a value sealed by the first implementation (split and Buffer.concat, one randomBytes per IV)', () => {
    const stored = 'sealed:v1:key-1:_iP76qBgFdAJvz-Y:3_e0Bt_kaVXDXGnD4Mr7GydofJKbnEWiFmjCIQwJ-MGFTYSz2S7xNtQIr2IxhtR-LQ';
    expect(openValue(key, stored)).toEqual({ email: 'ada@example.com', n: 2 });
  });

  it('gives every value its own IV, across refills of the IV pool', () => {
    const ivs = new Set<string>();
    for (let n = 0; n < 2_000; n++) {
      const sealed = sealValue(key, 'key-1', 'ada@example.com');
      ivs.add(sealed.split(':')[3]);
      if (n % 97 === 0) expect(openValue(key, sealed)).toBe('ada@example.com');
    }
    expect(ivs.size).toBe(2_000);
  });

  it('refuses a value altered, moved under another key id, cut short or opened with another key', () => {
    const sealed = sealValue(key, 'key-1', { plan: 'basic', email: 'ada@example.com' });
    const body = sealed.slice(sealed.lastIndexOf(':') + 1);
    const flipped = sealed.slice(0, -body.length) + (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    expect(() => openValue(key, flipped)).toThrow();
    expect(() => openValue(key, sealed.replace(':key-1:', ':key-2:'))).toThrow();
    expect(sealedKeyId(sealed)).toBe('key-1');
    expect(() => openValue(key, sealed.slice(0, sealed.lastIndexOf(':') + 10))).toThrow();
    expect(() => openValue(key, 'sealed:v1:key-1:')).toThrow('not a sealed value');
    expect(() => openValue(key, `${sealed}:extra`)).toThrow('not a sealed value');
    expect(() => openValue(Buffer.alloc(32, 8), sealed)).toThrow();
  });

  describe('format v2: the personal values of one event sealed together', () => {
    const entries = [
      ['data.email', 'ada@example.com'],
      ['data.lines.description', { text: 'cake', n: 2 }],
      ['metadata.ip', '203.0.113.7'],
    ] as const;

    it('opens as the same entries, for the event it was sealed for, and names its key', () => {
      const sealed = sealEntries(key, 'key-1', 'event-1', entries);
      expect(sealed).toMatch(/^sealed:v2:key-1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
      expect(openEntries(key, sealed, 'event-1')).toEqual(entries);
      expect(sealedKeyId(sealed)).toBe('key-1');
      expect(isSealed(sealed)).toBe(false);
    });

    it('refuses a seal opened for another event, under another key id or key, altered or cut short', () => {
      const sealed = sealEntries(key, 'key-1', 'event-1', entries);
      expect(() => openEntries(key, sealed, 'event-2')).toThrow();
      expect(() => openEntries(key, sealed.replace(':key-1:', ':key-2:'), 'event-1')).toThrow();
      expect(() => openEntries(Buffer.alloc(32, 8), sealed, 'event-1')).toThrow();
      const body = sealed.slice(sealed.lastIndexOf(':') + 1);
      const flipped = sealed.slice(0, -body.length) + (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
      expect(() => openEntries(key, flipped, 'event-1')).toThrow();
      expect(() => openEntries(key, sealed.slice(0, sealed.lastIndexOf(':') + 10), 'event-1')).toThrow();
      // a v1 value is not a v2 seal, nor the reverse, though both are AES-GCM under the same key
      expect(() => openEntries(key, sealValue(key, 'key-1', entries), 'event-1')).toThrow('not a sealed value');
      expect(() => openValue(key, sealed)).toThrow('not a sealed value');
    });

    it('tells its placeholders `sealed:v2:<n>` from anything else', () => {
      expect([0, 7, 12, 123456].map((index) => placeholderIndex(sealedPlaceholder(index)))).toEqual([0, 7, 12, 123456]);
      expect(
        ['sealed:v2:00', 'sealed:v2:', 'sealed:v2:1a', 'sealed:v2:-1', 'sealed:v1:3', 'sealed:v2:1234567'].map(placeholderIndex),
      ).toEqual(Array(6).fill(undefined));
      expect([
        isSealedPlaceholder('sealed:v2:3'),
        isSealed('sealed:v2:3'),
        isSealedPlaceholder(sealEntries(key, 'k', 'e', entries)),
      ]).toEqual([true, true, false]);
      expect([isEventSeal('sealed:v2:3'), isEventSeal(sealEntries(key, 'k', 'e', entries))]).toEqual([false, true]);
      expect(sealedKeyId('sealed:v2:3')).toBeUndefined();
    });
  });
});
