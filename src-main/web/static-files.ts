// Maps a request path onto a file inside the built renderer directory, refusing anything that could escape it.
// Used by the web host (HTTP) and by the Electron app:// protocol, so both shells serve exactly the same tree.
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeOf(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { ok: true; file: string; contentType: string; size: number }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Resolve `rawPath` (the path part of a request target, still percent-encoded, query allowed) inside `rootDir`.
 * `/` means `index.html`. Refused: `..` or `.`-prefixed segments (also when encoded), backslashes, NUL,
 * anything whose real path (after symlinks) leaves `rootDir`, directories.
 */
export async function resolveStaticFile(rootDir: string, rawPath: string): Promise<StaticLookup> {
  const pathPart = rawPath.split(/[?#]/, 1)[0] ?? '';
  if (!pathPart.startsWith('/')) return { ok: false, status: 400, reason: 'request path must start with /' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in path' };
  }
  // Checked after decoding so %2e%2e, %2f and %5c variants are caught too; backslash is a separator on Windows.
  if (decoded.includes('\0') || decoded.includes('\\'))
    return { ok: false, status: 400, reason: 'invalid character in path' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.'))
    return { ok: false, status: 403, reason: 'path traversal refused' };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404, reason: 'not found' };
  if (segments.length === 0) segments.push('index.html');

  const root = resolve(rootDir);
  const candidate = resolve(root, ...segments);
  if (!candidate.startsWith(root + sep)) return { ok: false, status: 403, reason: 'path traversal refused' };
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)]);
    if (!realFile.startsWith(realRoot + sep))
      return { ok: false, status: 403, reason: 'path leaves the renderer directory' };
    const info = await stat(realFile);
    if (!info.isFile()) return { ok: false, status: 404, reason: 'not found' };
    return { ok: true, file: realFile, contentType: mimeTypeOf(realFile), size: info.size };
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
}
