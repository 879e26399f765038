import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './serve-args';

describe('parseServeArgs', () => {
  it('defaults to a random port on loopback', () => {
    expect(parseServeArgs([])).toEqual({ port: 0, host: '127.0.0.1', help: false });
  });
  it('reads --port, --host and --renderer-dir, spaced or with =', () => {
    expect(parseServeArgs(['--port', '8080', '--host=0.0.0.0', '--renderer-dir', '/tmp/r'])).toEqual({
      port: 8080,
      host: '0.0.0.0',
      rendererDir: '/tmp/r',
      help: false,
    });
    expect(parseServeArgs(['--port=0']).port).toBe(0);
  });
  it.each([
    ['--port', '-1'],
    ['--port', '65536'],
    ['--port', '8e3'],
    ['--port', 'NaN'],
    ['--port'],
    ['--host'],
    ['--bogus'],
  ])('rejects %j with a RangeError', (...argv) => {
    expect(() => parseServeArgs(argv)).toThrow(RangeError);
  });
});
