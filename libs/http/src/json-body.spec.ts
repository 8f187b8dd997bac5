import { decodeJsonBody, isJsonContentType, MAX_JSON_DEPTH, nestedDeeperThan } from './json-body';
import { createValidationPipe } from './validation';

describe('the JSON body rules', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON;charset="UTF-8"', true],
    ['application/json; charset=iso-8859-1', false],
    ['application/jsonp', false],
    ['application/x-www-form-urlencoded', false],
    ['text/plain', false],
  ])('%s is JSON in UTF-8: %s', (header, expected) => {
    expect(isJsonContentType(header)).toBe(expected);
  });

  const deeperThan = (text: string, max: number) => nestedDeeperThan(Buffer.from(text), max);

  it('counts nesting outside strings only, without recursion, at any depth', () => {
    expect(deeperThan('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(deeperThan('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(deeperThan(JSON.stringify({ a: '[{\\"['.repeat(100) }), MAX_JSON_DEPTH)).toBe(false);
    expect(deeperThan('['.repeat(1_000_000), MAX_JSON_DEPTH)).toBe(true);
    expect(deeperThan('"\\\\"[[[', 2)).toBe(true);
    expect(deeperThan('"\\\\\\"[[["', 2)).toBe(false);
  });

  it('answers as a character-by-character scan of the decoded text would, escapes and multi-byte characters included', () => {
    const reference = (text: string, max: number): boolean => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (c === 0x5c) i++;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b || c === 0x7b) {
          if (++depth > max) return true;
        } else if (c === 0x5d || c === 0x7d) depth--;
      }
      return false;
    };
    const alphabet = ['[', ']', '{', '}', '"', '\\', 'a', 'é', '€', '😀'];
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const differing: { text: string; max: number }[] = [];
    for (let i = 0; i < 50_000; i++) {
      let text = '';
      const length = 1 + Math.floor(random() * 14);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      for (const max of [0, 1, 2, 3]) if (deeperThan(text, max) !== reference(text, max)) differing.push({ text, max });
    }
    expect(differing).toEqual([]);
  });

  it('decodes an empty body as none, whatever its type, and refuses a non-empty one that is not JSON', () => {
    expect(decodeJsonBody(Buffer.alloc(0), 'text/plain')).toEqual({ ok: true, body: undefined });
    expect(decodeJsonBody(Buffer.from('a=b'), 'application/x-www-form-urlencoded')).toMatchObject({ ok: false, status: 415 });
    expect(decodeJsonBody(Buffer.from([0x22, 0xff, 0x22]), 'application/json')).toMatchObject({ ok: false, status: 400 });
    expect(decodeJsonBody(Buffer.from('{"a":[1]}'), 'application/json')).toEqual({ ok: true, body: { a: [1] } });
  });

  it('checks the strings of a value nested far past the parser limit without overflowing the stack', async () => {
    let deep: unknown = ['\u0000'];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    await expect(createValidationPipe().transform(deep, { type: 'query', data: 'q' })).rejects.toMatchObject({
      code: 'invalid_request',
      extra: { details: [expect.objectContaining({ field: expect.stringMatching(/^q(\[0\]){20001}$/) })] },
    });
  });
});
