// Electron IPC transport: `lab:request` (invoke → response message) and `lab:event` (job events) over LabService.
// Electron is imported for types only, so this module loads (and is tested) without the Electron binary.
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { requestSchema, type Response, type ServerMessage } from '../../src-shared/contract/messages';
import { describeZodError } from '../../src-shared/params';
import { LAB_EVENT_CHANNEL, LAB_REQUEST_CHANNEL } from '../electron/bridge';
import type { LabConnection } from '../service/lab-service';
import type { LabConnector } from './websocket';

export interface ElectronIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: LabConnector;
  /** Decide whether a frame may use the lab: our window's main frame showing our app, nothing else. */
  isTrustedSender(frame: WebFrameMain, sender: WebContents): boolean;
}

export interface ElectronIpcTransport {
  /** Number of live per-webContents connections. */
  readonly connectionCount: number;
  close(): void;
}

interface ContentsState {
  connection: LabConnection;
  /** Invocations waiting for the response with this id. */
  pending: Map<string, (response: Response) => void>;
  dispose(): void;
}

function errorResponse(id: string, code: 'bad-request' | 'refused' | 'internal', message: string): Response {
  return { kind: 'response', id, ok: false, error: { code, message } };
}

export function attachElectronIpc(opts: ElectronIpcOptions): ElectronIpcTransport {
  const states = new Map<number, ContentsState>();

  const stateFor = (sender: WebContents): ContentsState => {
    const existing = states.get(sender.id);
    if (existing) return existing;
    const pending = new Map<string, (response: Response) => void>();
    // Responses resolve their invoke; everything else (job events) is pushed on lab:event.
    const send = (msg: ServerMessage): void => {
      if (msg.kind === 'response') {
        const resolve = pending.get(msg.id);
        if (resolve) {
          pending.delete(msg.id);
          resolve(msg);
          return;
        }
      }
      if (!sender.isDestroyed()) sender.send(LAB_EVENT_CHANNEL, msg);
    };
    const connection = opts.service.connect(send, 'electron-ipc');
    const onGone = (): void => state.dispose();
    const onNavigate = (): void => state.dispose(); // a reloaded page starts over; its old jobs are orphans
    const state: ContentsState = {
      connection,
      pending,
      dispose() {
        if (states.get(sender.id) !== state) return;
        states.delete(sender.id);
        connection.close();
        for (const [id, resolve] of pending)
          resolve(errorResponse(id, 'internal', 'the page went away before the lab answered'));
        pending.clear();
        sender.off('destroyed', onGone);
        sender.off('render-process-gone', onGone);
        sender.off('did-navigate', onNavigate);
      },
    };
    sender.once('destroyed', onGone);
    sender.on('render-process-gone', onGone);
    sender.on('did-navigate', onNavigate);
    states.set(sender.id, state);
    return state;
  };

  const onRequest = (event: IpcMainInvokeEvent, raw: unknown): Promise<Response> | Response => {
    const frame = event.senderFrame;
    if (!frame || !opts.isTrustedSender(frame, event.sender)) {
      // Thrown errors reach the renderer as a rejected invoke; an untrusted frame learns nothing else.
      throw new Error('lab: request refused (untrusted frame)');
    }
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) {
      // Same convention as the service: answer with the request's id when it has a usable one, else '?'.
      const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      const id = typeof rawId === 'string' && rawId.length >= 1 && rawId.length <= 64 ? rawId : '?';
      return errorResponse(id, 'bad-request', `invalid request: ${describeZodError(parsed.error)}`);
    }
    const state = stateFor(event.sender);
    const { id } = parsed.data;
    if (state.pending.has(id))
      return errorResponse(id, 'bad-request', `request id ${JSON.stringify(id)} is already in flight`);
    return new Promise<Response>((resolve) => {
      state.pending.set(id, resolve);
      try {
        state.connection.handle(raw);
      } catch (err) {
        state.pending.delete(id);
        resolve(errorResponse(id, 'internal', `the lab failed to handle the request: ${(err as Error).message}`));
      }
    });
  };

  opts.ipcMain.handle(LAB_REQUEST_CHANNEL, onRequest);

  return {
    get connectionCount() {
      return states.size;
    },
    close() {
      opts.ipcMain.removeHandler(LAB_REQUEST_CHANNEL);
      for (const state of [...states.values()]) state.dispose();
    },
  };
}
