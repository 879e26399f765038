// The app:// protocol the Electron window loads the built renderer from. Unlike file://, it gives the page a
// real origin and lets us attach the CSP as a response header. Same file resolution as the web host.
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../web/csp';
import { resolveStaticFile } from '../web/static-files';

export const APP_SCHEME = 'app';
const APP_HOST = 'lab';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True when `url` is a page of our app (app://lab/…). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Answer one app:// request from `rendererDir`; plugged into protocol.handle by main.ts. */
export async function serveAppRequest(rendererDir: string, request: Request): Promise<Response> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy(), 'X-Content-Type-Options': 'nosniff' };
  const plain = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return plain(400, 'bad URL');
  }
  if (!isAppUrl(url.href)) return plain(404, 'not found');
  const found = await resolveStaticFile(rendererDir, url.pathname);
  if (!found.ok) return plain(found.status, found.reason);
  const body = request.method === 'HEAD' ? null : await readFile(found.file);
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': found.contentType } });
}
