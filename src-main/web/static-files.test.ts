import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mimeTypeOf, resolveStaticFile } from './static-files';
import { makeRendererDir } from './test-renderer.test-util';

const dirs = makeRendererDir();
afterAll(() => dirs.cleanup());

describe('resolveStaticFile', () => {
  it('maps / to index.html and files to their MIME types', async () => {
    const index = await resolveStaticFile(dirs.rendererDir, '/?token=abc');
    expect(index).toMatchObject({
      ok: true,
      file: join(dirs.rendererDir, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(await resolveStaticFile(dirs.rendererDir, '/assets/app.js')).toMatchObject({
      ok: true,
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(await resolveStaticFile(dirs.rendererDir, '/assets/app%2ecss')).toMatchObject({
      ok: true,
      contentType: 'text/css; charset=utf-8',
    });
    expect(mimeTypeOf('x.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
  });

  it.each([
    '/../package.json',
    '/..%2fpackage.json',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/%2E%2E%2Fsecret.txt',
    '/assets/../../secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '/assets/%00app.js',
    '/.hidden',
    '/%2ehidden',
    '/%zz',
    'package.json',
  ])('refuses %s', async (path) => {
    const r = await resolveStaticFile(dirs.rendererDir, path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([400, 403, 404]).toContain(r.status);
  });

  it('refuses directories and missing files with 404', async () => {
    expect(await resolveStaticFile(dirs.rendererDir, '/assets')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveStaticFile(dirs.rendererDir, '/nope.js')).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses a symlink that points outside the renderer directory', async () => {
    symlinkSync(join(dirs.root, 'secret.txt'), join(dirs.rendererDir, 'assets', 'link.txt'));
    expect(await resolveStaticFile(dirs.rendererDir, '/assets/link.txt')).toMatchObject({ ok: false, status: 403 });
  });
});
