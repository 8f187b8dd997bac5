import { base32Decode, totpAt } from './reference-totp';

// RFC 6238 appendix B: seeds are the ASCII digits repeated to the hash's length; 8-digit codes.
const seeds = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};
const vectors: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('the tests’ own TOTP implementation', () => {
  it.each(vectors)('matches RFC 6238 at T = %i s', (time, sha1, sha256, sha512) => {
    expect(totpAt(seeds.sha1, time, { digits: 8, algorithm: 'sha1' })).toBe(sha1);
    expect(totpAt(seeds.sha256, time, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totpAt(seeds.sha512, time, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });

  it('decodes base32 as RFC 4648 does', () => {
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString('ascii')).toBe('12345678901234567890');
    expect(base32Decode('MZXW6YTBOI======').toString('ascii')).toBe('foobar');
  });
});
