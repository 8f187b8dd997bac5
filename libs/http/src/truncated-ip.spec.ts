import { truncatedIp } from './truncated-ip';

describe('the client address in a log line', () => {
  it('keeps the /24 of IPv4 and the /48 of IPv6, whatever the notation', () => {
    expect(truncatedIp('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncatedIp('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncatedIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48');
    expect(truncatedIp('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(truncatedIp('fe80::1%eth0')).toBe('fe80:0:0::/48');
    expect(truncatedIp('::1')).toBe('0:0:0::/48');
  });

  it('leaves out what is not an address', () => {
    expect(truncatedIp(undefined)).toBeUndefined();
    expect(truncatedIp('unknown')).toBeUndefined();
  });
});
