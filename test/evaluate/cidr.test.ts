import { intersectCidrs, parseCidr } from '../../src/evaluate/cidr.js';

const range = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

describe('CIDR range math', () => {
  it('normalises host bits away and reads a single address as a /32 or /128', () => {
    expect(range('10.0.3.7/16').cidr).toBe('10.0.0.0/16');
    expect(range('10.96.0.1').cidr).toBe('10.96.0.1/32');
    expect(range('fd00:10::1').cidr).toBe('fd00:10::1/128');
    expect(parseCidr('not-a-range')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });

  it('finds no overlap between adjacent ranges', () => {
    expect(intersectCidrs(range('10.0.0.0/24'), range('10.0.1.0/24'))).toBeNull();
    expect(intersectCidrs(range('fd00::/64'), range('fd00:0:0:1::/64'))).toBeNull();
  });

  it('gives the contained range as the intersection of a /16 and a /24 inside it', () => {
    expect(intersectCidrs(range('10.0.0.0/16'), range('10.0.5.0/24'))?.cidr).toBe('10.0.5.0/24');
    expect(intersectCidrs(range('10.0.5.0/24'), range('10.0.0.0/16'))?.cidr).toBe('10.0.5.0/24');
  });

  it('handles IPv6 and never compares across families', () => {
    expect(intersectCidrs(range('fd00:10::/48'), range('fd00:10:0:8::/64'))?.cidr).toBe('fd00:10:0:8::/64');
    expect(intersectCidrs(range('::/0'), range('0.0.0.0/0'))).toBeNull();
  });
});
