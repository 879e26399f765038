// The web host in front of the real LabService: what a browser tab actually talks to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONTRACT_VERSION, serverMessageSchema } from '../../src-shared/contract/messages';
import { LabService } from '../service/lab-service';
import { startWebHost, type WebHost } from './host';
import { makeRendererDir } from './test-renderer.test-util';

const dirs = makeRendererDir();
let service: LabService;
let host: WebHost;
let ws: WebSocket;
const inbox: unknown[] = [];

beforeAll(async () => {
  service = new LabService({ workers: 1 });
  host = await startWebHost({ rendererDir: dirs.rendererDir, service });
  ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
  ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
});
afterAll(async () => {
  ws?.close();
  await host?.close();
  await service?.close();
  dirs.cleanup();
});

/** Send a request and wait for the message that answers it (by id), checking every message against the contract. */
async function ask(payload: string, id: string): Promise<Record<string, unknown>> {
  ws.send(payload);
  for (let t0 = Date.now(); Date.now() - t0 < 5000; await new Promise((r) => setTimeout(r, 2))) {
    const hit = inbox.find(
      (m) => (m as { kind?: string; id?: string }).kind === 'response' && (m as { id: string }).id === id,
    );
    if (hit) {
      inbox.splice(inbox.indexOf(hit), 1);
      expect(serverMessageSchema.safeParse(hit).success).toBe(true);
      return hit as Record<string, unknown>;
    }
  }
  throw new Error(`no response with id ${id}`);
}

describe('web host + LabService', () => {
  it('answers lab.info with the running engine’s facts over websocket', async () => {
    const reply = await ask(JSON.stringify({ kind: 'request', id: 'i1', method: 'lab.info' }), 'i1');
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatchObject({ contractVersion: CONTRACT_VERSION, transport: 'websocket', workers: 1 });
  });

  it('answers malformed JSON and schema-failing requests with bad-request; the socket stays usable', async () => {
    const broken = await ask('{"kind":"request","id":', '?');
    expect(broken).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/JSON/) } });
    const noMethod = await ask(JSON.stringify({ kind: 'request', id: 'b1', method: 'lab.nope' }), 'b1');
    expect(noMethod).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const badParams = await ask(
      JSON.stringify({
        kind: 'request',
        id: 'b2',
        method: 'job.start',
        job: { kind: 'measure', params: { sigmaW2: Number.NaN, depth: 3, width: 8, inputDim: 8, samples: 4, seed: 1 } },
      }),
      'b2',
    );
    expect(badParams).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/sigmaW2/) },
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const again = await ask(JSON.stringify({ kind: 'request', id: 'i2', method: 'lab.info' }), 'i2');
    expect(again.ok).toBe(true);
  });
});

describe('web host + LabService: a client that stops reading', () => {
  it('is closed once its unsent backlog passes the limit, instead of growing the server without bound', async () => {
    const svc = new LabService({ workers: 1, detectTensorflowOnConnect: false, maxBacklogBytes: 64 * 1024 });
    const web = await startWebHost({ rendererDir: dirs.rendererDir, service: svc });
    try {
      const slow = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`);
      await new Promise((resolve, reject) => {
        slow.once('open', resolve);
        slow.once('error', reject);
      });
      let closed = false;
      slow.once('close', () => void (closed = true));
      // stop reading: the answers pile up in the kernel's buffers, then in the server's (ws bufferedAmount)
      (slow as unknown as { _socket: { pause(): void } })._socket.pause();
      const request = JSON.stringify({ kind: 'request', id: 'x', method: 'lab.info' });
      let sent = 0;
      while (!closed && sent < 400_000) {
        for (let i = 0; i < 2000; i++) slow.send(request);
        sent += 2000;
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(closed).toBe(true);
    } finally {
      await web.close();
      await svc.close();
    }
  });
});
