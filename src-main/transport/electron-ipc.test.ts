// The IPC transport with stand-ins for ipcMain, webContents and frames (no Electron binary here).
import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { LAB_EVENT_CHANNEL, LAB_REQUEST_CHANNEL } from '../electron/bridge';
import { attachElectronIpc } from './electron-ipc';
import { FakeLabService } from './fake-service.test-util';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

class FakeContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeContents.nextId++;
  destroyed = false;
  sent: unknown[] = [];
  readonly mainFrame = { parent: null, url: 'app://lab/index.html' } as unknown as WebFrameMain;
  readonly childFrame = { parent: this.mainFrame, url: 'https://ads.example/' } as unknown as WebFrameMain;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, msg: unknown): void {
    if (channel !== LAB_EVENT_CHANNEL) throw new Error(`unexpected channel ${channel}`);
    this.sent.push(msg);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

function setup(opts: ConstructorParameters<typeof FakeLabService>[0] = {}) {
  const ipcMain = new FakeIpcMain();
  const service = new FakeLabService(opts);
  const transport = attachElectronIpc({
    ipcMain,
    service,
    isTrustedSender: (frame) => frame.parent === null && frame.url.startsWith('app://lab/'),
  });
  const invoke = (contents: FakeContents, payload: unknown, frame: WebFrameMain | null = contents.mainFrame) =>
    Promise.resolve().then(() =>
      ipcMain.handlers.get(LAB_REQUEST_CHANNEL)!(
        { sender: contents as unknown as WebContents, senderFrame: frame } as IpcMainInvokeEvent,
        payload,
      ),
    );
  return { ipcMain, service, transport, invoke };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('electron IPC transport', () => {
  it('answers an invoke with its response message and tags the connection electron-ipc', async () => {
    const { invoke, service } = setup();
    const wc = new FakeContents();
    const reply = await invoke(wc, { kind: 'request', id: 'i1', method: 'lab.info' });
    expect(reply).toMatchObject({ kind: 'response', id: 'i1', ok: true, result: { transport: 'electron-ipc' } });
    expect(service.connections).toHaveLength(1);
    expect(wc.sent).toHaveLength(0); // responses go back through invoke, not lab:event
  });

  it('refuses frames the shell does not trust, without creating a connection', async () => {
    const { invoke, service } = setup();
    const wc = new FakeContents();
    await expect(invoke(wc, { kind: 'request', id: 'x', method: 'lab.info' }, wc.childFrame)).rejects.toThrow(
      /untrusted frame/,
    );
    await expect(invoke(wc, { kind: 'request', id: 'x', method: 'lab.info' }, null)).rejects.toThrow(/untrusted frame/);
    expect(service.connections).toHaveLength(0);
  });

  it('answers schema-failing payloads with bad-request and duplicate in-flight ids likewise', async () => {
    const { invoke, service } = setup({ blocks: 1 });
    const wc = new FakeContents();
    expect(await invoke(wc, 'not an object')).toMatchObject({ ok: false, id: '?', error: { code: 'bad-request' } });
    expect(
      await invoke(wc, {
        kind: 'request',
        id: 'm1',
        method: 'job.start',
        job: { kind: 'measure', params: { sigmaW2: -1 } },
      }),
    ).toMatchObject({
      ok: false,
      id: 'm1',
      error: { code: 'bad-request', message: expect.stringMatching(/sigmaW2/) },
    });
    expect(service.connections).toHaveLength(0); // nothing invalid reached the service
  });

  it('routes job events to the sending webContents only, on lab:event', async () => {
    const { invoke } = setup({ blocks: 2 });
    const a = new FakeContents();
    const b = new FakeContents();
    const params = { sigmaW2: 2, depth: 3, width: 8, inputDim: 8, samples: 4, seed: 1 };
    const started = (await invoke(a, {
      kind: 'request',
      id: 's1',
      method: 'job.start',
      job: { kind: 'measure', params },
    })) as {
      ok: boolean;
      result: { jobId: string };
    };
    expect(started.ok).toBe(true);
    await invoke(b, { kind: 'request', id: 'i', method: 'lab.info' });
    await until(() => a.sent.some((m) => (m as { event?: string }).event === 'job.done'));
    expect(a.sent.map((m) => (m as { event: string }).event)).toEqual(['job.progress', 'job.done']);
    expect(a.sent.every((m) => (m as { jobId: string }).jobId === started.result.jobId)).toBe(true);
    expect(b.sent).toHaveLength(0);
  });

  it('closes the connection when its webContents is destroyed or navigates, and stops sending', async () => {
    const { invoke, service, transport } = setup({ blocks: 50, blockMs: 5 });
    const wc = new FakeContents();
    const params = { sigmaW2: 2, depth: 3, width: 8, inputDim: 8, samples: 4, seed: 1 };
    await invoke(wc, { kind: 'request', id: 's1', method: 'job.start', job: { kind: 'measure', params } });
    expect(transport.connectionCount).toBe(1);
    wc.emit('did-navigate');
    expect(service.connections[0]!.closed).toBe(true);
    expect(transport.connectionCount).toBe(0);
    await invoke(wc, { kind: 'request', id: 'i', method: 'lab.info' }); // a reloaded page gets a fresh connection
    expect(service.connections).toHaveLength(2);
    wc.destroy();
    expect(service.connections[1]!.closed).toBe(true);
    expect(transport.connectionCount).toBe(0);
  });

  it('answers a request still waiting when its page goes away', async () => {
    const ipcMain = new FakeIpcMain();
    let closed = 0;
    const silent = { connect: () => ({ handle: () => undefined, close: () => void closed++ }) };
    attachElectronIpc({ ipcMain, service: silent, isTrustedSender: () => true });
    const wc = new FakeContents();
    const event = { sender: wc as unknown as WebContents, senderFrame: wc.mainFrame } as IpcMainInvokeEvent;
    const reply = ipcMain.handlers.get(LAB_REQUEST_CHANNEL)!(event, {
      kind: 'request',
      id: 'w',
      method: 'lab.info',
    }) as Promise<unknown>;
    wc.destroy();
    expect(await reply).toMatchObject({ id: 'w', ok: false, error: { message: expect.stringMatching(/went away/) } });
    expect(closed).toBe(1);
  });

  it('close() removes the handler and closes every connection', async () => {
    const { invoke, service, transport, ipcMain } = setup();
    await invoke(new FakeContents(), { kind: 'request', id: 'i', method: 'lab.info' });
    transport.close();
    expect(ipcMain.handlers.size).toBe(0);
    expect(service.connections.every((c) => c.closed)).toBe(true);
  });
});
