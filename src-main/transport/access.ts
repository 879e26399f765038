// Who may talk to the lab over the network: holders of the per-run token, from loopback unless told otherwise.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** 32 random bytes as hex: the per-run access token carried in the URL the lab prints. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison; hashing first makes the time independent of both lengths too. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A token we accept as an option: long enough not to be guessable, URL-safe so it survives the query string. */
export function assertUsableToken(token: string): void {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{16,256}$/.test(token)) {
    throw new RangeError('token must be 16–256 characters from [A-Za-z0-9_-]');
  }
}

/** True for a peer address on the loopback interface (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** True when binding to `host` keeps the server reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || isLoopbackAddress(h);
}
