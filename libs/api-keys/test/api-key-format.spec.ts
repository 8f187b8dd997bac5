import { API_KEY_LENGTH, displayPrefixOf, formatApiKey, hashApiKey, parseApiKey } from '@app/api-keys';

const keyId = '0123456789ABCDEFGHIJKL';
const secret = 'abcdefghijklmnopqrstuv';

describe('API key format', () => {
  const key = formatApiKey(keyId, secret);

  it('is the fixed prefix, the key id, the secret and a 6-character checksum', () => {
    expect(key).toMatch(/^mmx_[0-9A-Za-z]{50}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(key.slice(4, 26)).toBe(keyId);
    expect(key.slice(26, 48)).toBe(secret);
  });

  it('gives back the key id of a well-formed key', () => {
    expect(parseApiKey(key)).toEqual({ keyId });
  });

  it('refuses a key with one character mistyped, without any lookup', () => {
    for (const at of [4, 20, 30, 47, 50]) {
      const typo = key.slice(0, at) + (key[at] === 'x' ? 'y' : 'x') + key.slice(at + 1);
      expect(parseApiKey(typo)).toBeUndefined();
    }
  });

  it('refuses two adjacent characters swapped', () => {
    const at = key.search(/(.)(?!\1)./);
    const swapped = key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2);
    expect(parseApiKey(swapped)).toBeUndefined();
  });

  it('refuses the wrong prefix, length or alphabet', () => {
    expect(parseApiKey(`ghp_${key.slice(4)}`)).toBeUndefined();
    expect(parseApiKey(key.slice(0, -1))).toBeUndefined();
    expect(parseApiKey(`${key}0`)).toBeUndefined();
    expect(parseApiKey(`${key.slice(0, 10)}-${key.slice(11)}`)).toBeUndefined();
    expect(parseApiKey('')).toBeUndefined();
  });

  it('shows only the prefix and the start of the id in listings, never secret material', () => {
    expect(displayPrefixOf(key)).toBe('mmx_01234567');
  });

  it('stores the SHA-256 of the whole key, which does not contain the key', () => {
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(secret);
    expect(hashApiKey(key)).not.toBe(hashApiKey(formatApiKey(keyId, 'abcdefghijklmnopqrstuw')));
  });
});
