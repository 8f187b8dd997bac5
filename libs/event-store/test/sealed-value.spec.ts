import { openValue, sealedKeyId, sealValue } from '@app/event-store';

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
});
