// The web host against a scriptable fake service: the upgrade gate, JSON framing and static serving are the
// host's; what the service answers is tested with the real LabService in host.service.test.ts.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeLabService } from '../transport/fake-service.test-util';
import { MAX_MESSAGE_BYTES } from '../transport/websocket';
import { allowedHostHeaders, startWebHost, type WebHost } from './host';
import { makeRendererDir, SECRET } from './test-renderer.test-util';

const dirs = makeRendererDir();
const service = new FakeLabService();
let host: WebHost;

beforeAll(async () => {
  host = await startWebHost({ rendererDir: dirs.rendererDir, service });
});
afterAll(async () => {
  await host?.close();
  dirs.cleanup();
});

/** Raw HTTP GET (no client-side path normalization, unlike fetch). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket or rejects with the HTTP status of the refused upgrade. */
function openWs(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

async function statusOf(p: Promise<WebSocket>): Promise<number> {
  try {
    (await p).close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('web host: WebSocket gate', () => {
  it('prints a URL on loopback with a 64-hex-digit token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a missing, wrong, truncated or extended token with 401', async () => {
    const before = service.connections.length;
    expect(await statusOf(openWs(''))).toBe(401);
    expect(await statusOf(openWs('?token='))).toBe(401);
    expect(await statusOf(openWs(`?token=${'0'.repeat(64)}`))).toBe(401);
    expect(await statusOf(openWs(`?token=${host.token.slice(0, -1)}`))).toBe(401);
    expect(await statusOf(openWs(`?token=${host.token}0`))).toBe(401);
    expect(service.connections.length).toBe(before); // the service never saw them
  });

  it('refuses other paths, foreign Host headers and cross-origin pages even with the token', async () => {
    expect(
      await statusOf(
        new Promise((res, rej) => {
          const ws = new WebSocket(`ws://127.0.0.1:${host.port}/other?token=${host.token}`);
          ws.once('open', () => res(ws));
          ws.once('unexpected-response', (_q, r) => {
            rej({ status: r.statusCode });
            ws.terminate();
          });
          ws.once('error', rej);
        }),
      ),
    ).toBe(404);
    expect(await statusOf(openWs(`?token=${host.token}`, { Host: `evil.example:${host.port}` }))).toBe(403);
    expect(await statusOf(openWs(`?token=${host.token}`, { Origin: 'http://evil.example' }))).toBe(403);
    expect(await statusOf(openWs(`?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` }))).toBe(101);
  });

  it('with the right token, lab.info is answered over a websocket connection', async () => {
    const ws = await openWs(`?token=${host.token}`);
    ws.send(JSON.stringify({ kind: 'request', id: 'a1', method: 'lab.info' }));
    const reply = await nextMessage(ws);
    expect(reply).toMatchObject({ kind: 'response', id: 'a1', ok: true, result: { transport: 'websocket' } });
    ws.close();
  });

  it('answers malformed JSON and binary frames with bad-request and keeps the socket usable', async () => {
    const ws = await openWs(`?token=${host.token}`);
    const conn = service.connections.at(-1)!;
    ws.send('{"kind": "request", ');
    expect(await nextMessage(ws)).toMatchObject({
      kind: 'response',
      id: '?',
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/malformed JSON/) },
    });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await nextMessage(ws)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(conn.handled).toHaveLength(0); // neither reached the service
    ws.send(JSON.stringify({ kind: 'request', id: 'b2', method: 'lab.info' }));
    expect(await nextMessage(ws)).toMatchObject({ id: 'b2', ok: true });
    ws.close();
  });

  it('closes a socket that sends more than the size cap (1009) and closes its service connection', async () => {
    const ws = await openWs(`?token=${host.token}`);
    const conn = service.connections.at(-1)!;
    // the service connection's close() is the event awaited (the socket's server side may close after the client's)
    const closeConn = conn.close;
    const connClosed = new Promise<void>((resolve) => {
      conn.close = () => {
        closeConn();
        resolve();
      };
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009);
    await connClosed;
    expect(conn.closed).toBe(true);
  });
});

describe('web host: static files', () => {
  it('serves index.html at / with a strict CSP and no-referrer', async () => {
    const r = await rawGet(`/?token=${host.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<title>NTK Phase Lab</title>');
    const csp = String(r.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${host.port}`,
      "img-src 'self' data: blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their MIME type', async () => {
    const r = await rawGet('/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.body).toBe('console.log("lab");');
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/.hidden',
  ])('refuses %s', async (path) => {
    const r = await rawGet(path);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).not.toContain(SECRET);
  });

  it('refuses other methods and foreign Host headers', async () => {
    const post = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(post).toBe(405);
    expect((await rawGet('/', { Host: `rebind.example:${host.port}` })).status).toBe(403);
    expect((await rawGet('/', { Host: `localhost:${host.port}` })).status).toBe(200);
  });
});

describe('web host: lifecycle and bad options', () => {
  it('on port 80 a Host header without the port is ours too (browsers leave the default port out)', () => {
    const names = ['127.0.0.1', 'localhost', '[::1]'];
    expect([...allowedHostHeaders(names, 80)].sort()).toEqual(
      ['127.0.0.1', '127.0.0.1:80', 'localhost', 'localhost:80', '[::1]', '[::1]:80'].sort(),
    );
    // on any other port the port is part of the Host header, so the bare name is someone else's server
    expect([...allowedHostHeaders(names, 8080)].sort()).toEqual(
      ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080'].sort(),
    );
    expect(allowedHostHeaders(['LocalHost'], 80).has('localhost')).toBe(true);
  });

  it('fails clearly when the renderer is not built', async () => {
    await expect(startWebHost({ rendererDir: `${dirs.root}/missing`, service })).rejects.toThrow(/npm run build/);
  });

  it('rejects absurd ports, hosts and tokens with RangeError', async () => {
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, port: -1 })).rejects.toThrow(RangeError);
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, port: 70000 })).rejects.toThrow(RangeError);
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, port: Number.NaN })).rejects.toThrow(
      RangeError,
    );
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, host: 'a b' })).rejects.toThrow(RangeError);
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, token: 'short' })).rejects.toThrow(RangeError);
  });

  it('bound to 0.0.0.0 it prints a loopback URL and lifts the loopback-only Host check', async () => {
    const open = await startWebHost({ rendererDir: dirs.rendererDir, service, host: '0.0.0.0' });
    try {
      expect(open.url.startsWith(`http://127.0.0.1:${open.port}/?token=`)).toBe(true);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: open.port, path: '/', headers: { Host: `lab.lan:${open.port}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('reports a busy port and closes its clients and service connections on close()', async () => {
    const other = await startWebHost({ rendererDir: dirs.rendererDir, service, token: 'fixed-test-token-0123456789' });
    expect(other.url).toContain('?token=fixed-test-token-0123456789');
    await expect(startWebHost({ rendererDir: dirs.rendererDir, service, port: other.port })).rejects.toThrow(
      /already in use/,
    );
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}/ws?token=${other.token}`);
    await new Promise((r) => ws.once('open', r));
    const conn = service.connections.at(-1)!;
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    await other.close();
    expect(await code).toBe(1001);
    expect(conn.closed).toBe(true);
    await expect(rawGetPort(other.port)).rejects.toThrow();
  });
});

function rawGetPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end();
  });
}
