import { describe, expect, it } from 'vitest';
import { assertUsableToken, generateToken, isLoopbackAddress, isLoopbackHost, tokensEqual } from './access';

describe('access', () => {
  it('generates distinct 32-byte hex tokens', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(() => assertUsableToken(a)).not.toThrow();
  });

  it('compares tokens exactly, whatever their lengths', () => {
    const t = generateToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(tokensEqual(`${t}0`, t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
    expect(tokensEqual(t.toUpperCase(), t)).toBe(false);
  });

  it('rejects short or unsafe tokens', () => {
    expect(() => assertUsableToken('short')).toThrow(RangeError);
    expect(() => assertUsableToken('a'.repeat(20) + '&x=1')).toThrow(RangeError);
  });

  it('recognizes loopback peers and hosts', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['10.0.0.1', '::ffff:192.168.0.2', '0.0.0.0', '::', '', undefined, '127.0.0.1.evil'])
      expect(isLoopbackAddress(a)).toBe(false);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.4')).toBe(false);
  });
});
