import { afterAll, describe, expect, it } from 'vitest';
import { makeRendererDir, SECRET } from '../web/test-renderer.test-util';
import { APP_INDEX_URL, isAppUrl, serveAppRequest } from './app-protocol';

const dirs = makeRendererDir();
afterAll(() => dirs.cleanup());

describe('app:// protocol', () => {
  it('serves the index with the strict CSP header', async () => {
    const res = await serveAppRequest(dirs.rendererDir, new Request(APP_INDEX_URL));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/ws:|unsafe/);
    expect(await res.text()).toContain('NTK Phase Lab');
  });

  it.each([
    'app://lab/..%2fsecret.txt',
    'app://lab/%2e%2e%2fpackage.json',
    'app://lab/assets/..%2f..%2fsecret.txt',
    'app://evil/index.html',
    'app://lab/.hidden',
  ])('refuses %s', async (url) => {
    const res = await serveAppRequest(dirs.rendererDir, new Request(url));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.text()).not.toContain(SECRET);
  });

  it('recognizes only app://lab as ours', () => {
    expect(isAppUrl('app://lab/index.html')).toBe(true);
    expect(isAppUrl('app://lab.evil/index.html')).toBe(false);
    expect(isAppUrl('https://lab/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
