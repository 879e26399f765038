// The renderer's LabClient end to end over both transports: WebSocket against the real web host, and the IPC
// bridge wired to the real main-side IPC transport. The service behind both is a scriptable fake.
import type { IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { LabBridge } from '../../src-main/electron/bridge';
import { LAB_REQUEST_CHANNEL } from '../../src-main/electron/bridge';
import { attachElectronIpc } from '../../src-main/transport/electron-ipc';
import { LabService } from '../../src-main/service/lab-service';
import { FakeLabService } from '../../src-main/transport/fake-service.test-util';
import { startWebHost, type WebHost } from '../../src-main/web/host';
import { makeRendererDir } from '../../src-main/web/test-renderer.test-util';
import type { MeasureResult } from '../../src-shared/contract/measure';
import { connectLab, createLabClient, LabClientError } from './lab-client';
import { openIpcTransport } from './transport-ipc';
import { MISSING_TOKEN_MESSAGE, openWebSocketTransport, webSocketUrlFor } from './transport-ws';

const params = { sigmaW2: 2, depth: 3, width: 8, inputDim: 8, samples: 4, seed: 1 };
const g = globalThis as Record<string, unknown>;

function fakeWindow(location: { protocol: string; host: string; search: string }, lab?: LabBridge): void {
  g.window = { location, lab };
  g.WebSocket = WebSocket;
}

async function rejection(p: Promise<unknown>): Promise<LabClientError> {
  try {
    await p;
  } catch (err) {
    return err as LabClientError;
  }
  throw new Error('expected a rejection');
}

describe('webSocketUrlFor', () => {
  it('builds ws:// or wss:// on the page host with the page token', () => {
    expect(webSocketUrlFor({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=abc' })).toBe(
      'ws://127.0.0.1:5000/ws?token=abc',
    );
    expect(webSocketUrlFor({ protocol: 'https:', host: 'lab.example', search: '?x=1&token=a%2Bb' })).toBe(
      'wss://lab.example/ws?token=a%2Bb',
    );
  });
  it('throws a readable error when the page has no token', () => {
    expect(() => webSocketUrlFor({ protocol: 'http:', host: 'h', search: '' })).toThrow(MISSING_TOKEN_MESSAGE);
    expect(() => webSocketUrlFor({ protocol: 'http:', host: 'h', search: '?token=' })).toThrow(
      /carries the access token/,
    );
  });
});

describe('connectLab over WebSocket', () => {
  const dirs = makeRendererDir();
  let service: FakeLabService;
  let host: WebHost;
  const location = () => ({ protocol: 'http:', host: `127.0.0.1:${host.port}`, search: `?token=${host.token}` });

  beforeEach(async () => {
    service = new FakeLabService({ blocks: 3, blockMs: 2 });
    host = await startWebHost({ rendererDir: dirs.rendererDir, service });
  });
  afterEach(async () => {
    await host.close();
    delete g.window;
    delete g.WebSocket;
  });
  /** The host again, over a fake lab whose jobs run long enough (1000 blocks of 5 ms) to be cancelled. */
  async function restartWithLongJobs(token?: string): Promise<void> {
    service = new FakeLabService({ blocks: 1000, blockMs: 5 });
    await host.close();
    host = await startWebHost({ rendererDir: dirs.rendererDir, service, ...(token ? { token } : {}) });
  }

  it('answers info and streams a measurement to its handle', async () => {
    fakeWindow(location());
    const lab = await connectLab();
    expect(lab.transport).toBe('websocket');
    expect((await lab.info()).transport).toBe('websocket');
    const progress: number[] = [];
    const result = await lab.measure(params, { onProgress: (r) => progress.push(r.samples) }).done;
    expect(progress).toEqual([1, 2]);
    expect(result).toMatchObject({ samples: 3, done: true });
    lab.close();
  });

  it('refuses to start without a token, and says why with a wrong one', async () => {
    fakeWindow({ ...location(), search: '' });
    await expect(connectLab()).rejects.toThrow(/carries the access token/);
    fakeWindow({ ...location(), search: `?token=${'f'.repeat(64)}` });
    await expect(connectLab()).rejects.toThrow(/refused the access token or is not running/);
  });

  it('routes concurrent jobs by jobId and rejects a superseded channel job with code cancelled', async () => {
    fakeWindow(location());
    const lab = await connectLab();
    const a = lab.measure(params, { channel: 'cursor' });
    const b = lab.measure(params, { channel: 'cursor' });
    const other = lab.measure(params, { channel: 'sweep' });
    const err = await rejection(a.done);
    expect(err).toBeInstanceOf(LabClientError);
    expect(err.code).toBe('cancelled');
    expect(err.message).toMatch(/superseded/);
    expect((await b.done).done).toBe(true);
    expect((await other.done).done).toBe(true);
    lab.close();
  });

  it('sends no cancel for a job superseded on its channel: the newer start cancels it in the lab', async () => {
    fakeWindow(location());
    const lab = await connectLab();
    const a = lab.measure(params, { channel: 'cursor' });
    const b = lab.measure(params, { channel: 'cursor' });
    expect((await rejection(a.done)).code).toBe('cancelled');
    expect((await b.done).done).toBe(true);
    const methods = service.connections[0]!.handled.map((m) => (m as { method?: string }).method);
    expect(methods.filter((m) => m !== 'lab.info')).toEqual(['job.start', 'job.start']);
    lab.close();
  });

  it('cancels a superseded job when the lab refuses the start that superseded it', async () => {
    await restartWithLongJobs();
    fakeWindow(location());
    const lab = await connectLab();
    const a = lab.measure(params, { channel: 'cursor' });
    const refused = lab.measure({ ...params, sigmaW2: -1 }, { channel: 'cursor' });
    expect((await rejection(refused.done)).code).toBe('bad-request');
    expect((await rejection(a.done)).code).toBe('cancelled');
    // the fake lab answers a's start with jobId j1 and does not supersede it for a refused start
    await vi.waitFor(() =>
      expect(service.connections[0]!.handled).toContainEqual(
        expect.objectContaining({ method: 'job.cancel', jobId: 'j1' }),
      ),
    );
    lab.close();
  });

  it('cancel() rejects at once and tells the lab', async () => {
    await restartWithLongJobs();
    fakeWindow(location());
    const lab = await connectLab();
    const progress: MeasureResult[] = [];
    const handle = lab.measure(params, { onProgress: (r) => progress.push(r) });
    await vi.waitFor(() => expect(progress.length).toBeGreaterThan(0));
    handle.cancel();
    expect((await rejection(handle.done)).code).toBe('cancelled');
    await vi.waitFor(() =>
      expect(service.connections[0]!.handled.some((m) => (m as { method?: string }).method === 'job.cancel')).toBe(
        true,
      ),
    );
    lab.close();
  });

  it('rejects a bad request with the lab’s readable message and code', async () => {
    fakeWindow(location());
    const lab = await connectLab();
    const err = await rejection(lab.measure({ ...params, sigmaW2: -1 }).done);
    expect(err.code).toBe('bad-request');
    expect(err.message).toMatch(/sigmaW2/);
    lab.close();
  });

  it('rejects pending work when the socket drops, then reconnects on the next call', async () => {
    await restartWithLongJobs('reconnect-token-0123456789');
    const { port, token } = host;
    fakeWindow(location());
    const lab = await connectLab();
    const states: string[] = [];
    lab.onConnectionChange((s) => states.push(s));
    const handle = lab.measure(params, { onProgress: () => undefined });
    await vi.waitFor(() => expect(service.connections[0]!.handled.length).toBeGreaterThan(1));
    await host.close();
    const err = await rejection(handle.done);
    expect(err.code).toBe('disconnected');
    expect(err.message).toMatch(/Lost the connection to the lab/);
    expect((await rejection(lab.info())).code).toBe('disconnected'); // nobody listening: a readable failure, no hang
    host = await startWebHost({ rendererDir: dirs.rendererDir, service: new FakeLabService(), port, token });
    expect((await lab.info()).transport).toBe('websocket');
    expect(states).toEqual(['closed', 'open']);
    lab.close();
  });
});

describe('LabClient over the Electron IPC bridge', () => {
  /** window.lab as the preload would expose it, wired to the main-side transport through stand-ins. */
  function ipcBridge(service: FakeLabService): { bridge: LabBridge; inject(msg: unknown): void } {
    const handlers = new Map<string, (e: IpcMainInvokeEvent, msg: unknown) => unknown>();
    const listeners = new Set<(msg: unknown) => void>();
    const mainFrame = { parent: null, url: 'app://lab/index.html' } as unknown as WebFrameMain;
    const contents = {
      id: 1,
      mainFrame,
      isDestroyed: () => false,
      send: (_channel: string, msg: unknown) => setTimeout(() => listeners.forEach((cb) => cb(structuredClone(msg)))),
      on: () => contents,
      once: () => contents,
      off: () => contents,
    };
    attachElectronIpc({
      ipcMain: { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) },
      service,
      isTrustedSender: (frame) => frame === mainFrame,
    });
    const event = { sender: contents as unknown as WebContents, senderFrame: mainFrame } as IpcMainInvokeEvent;
    return {
      bridge: {
        // Like ipcRenderer.invoke: structured-cloned both ways, and the reply lands after queued lab:event messages.
        request: async (msg) => {
          const reply = await handlers.get(LAB_REQUEST_CHANNEL)!(event, structuredClone(msg));
          await new Promise((r) => setTimeout(r, 5));
          return structuredClone(reply);
        },
        onEvent: (cb) => {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      },
      inject: (msg) => listeners.forEach((cb) => cb(msg)),
    };
  }

  afterEach(() => {
    delete g.window;
  });

  it('connectLab prefers window.lab and reports electron-ipc', async () => {
    const { bridge } = ipcBridge(new FakeLabService());
    fakeWindow({ protocol: 'app:', host: 'lab', search: '' }, bridge); // no token needed in Electron
    const lab = await connectLab();
    expect(lab.transport).toBe('electron-ipc');
    expect((await lab.info()).transport).toBe('electron-ipc');
  });

  it('delivers events that overtake their start response to the right handle', async () => {
    const { bridge } = ipcBridge(new FakeLabService({ blocks: 2, blockMs: 20, eventsBeforeResponse: true }));
    const lab = createLabClient('electron-ipc', async (h) => openIpcTransport(bridge, h));
    const progress: number[] = [];
    const result = await lab.measure(params, { onProgress: (r) => progress.push(r.samples) }).done;
    expect(progress).toEqual([1]);
    expect(result.samples).toBe(2);
    const quick = await lab.measure(params).done.catch((e) => e);
    expect(quick.samples).toBe(2);
  });

  it('ignores (and logs) messages that fail the schema', async () => {
    const { bridge, inject } = ipcBridge(new FakeLabService());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const lab = createLabClient('electron-ipc', async (h) => openIpcTransport(bridge, h));
    await lab.info();
    inject({ kind: 'event', jobId: 'j1', event: 'job.done', output: { kind: 'measure', result: { samples: 'many' } } });
    inject('garbage');
    expect(warn).toHaveBeenCalledTimes(2);
    expect((await lab.info()).transport).toBe('electron-ipc');
    warn.mockRestore();
  });
});

describe('LabClient against the real LabService over WebSocket', () => {
  it('streams a real measurement and cancels a superseded cursor job', async () => {
    const dirs = makeRendererDir();
    const service = new LabService({ workers: 1 });
    const host = await startWebHost({ rendererDir: dirs.rendererDir, service });
    try {
      const url = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`;
      const lab = createLabClient('websocket', (h) => openWebSocketTransport(url, h, (u) => new WebSocket(u)));
      expect((await lab.info()).transport).toBe('websocket');
      const small = { sigmaW2: 2, depth: 3, width: 16, inputDim: 16, samples: 64, seed: 7 };
      const result = await lab.measure(small).done;
      expect(result).toMatchObject({ done: true, samples: 64, samplesRequested: 64, depth: 3, width: 16 });
      expect(Number.isFinite(result.meanTheta.estimate)).toBe(true);

      const first = lab.measure({ ...small, samples: 1_000_000 }, { channel: 'cursor' });
      const second = lab.measure(small, { channel: 'cursor' });
      await expect(first.done).rejects.toMatchObject({ code: 'cancelled' });
      expect((await second.done).samples).toBe(64);
      lab.close();
    } finally {
      await host.close();
      await service.close();
      dirs.cleanup();
    }
  });
});
