// Sandboxed preload (built to out/preload/index.cjs): exposes exactly one API, window.lab, and nothing of Node
// or ipcRenderer itself. It may import only 'electron' at runtime (sandboxed preloads cannot load packages).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { LAB_EVENT_CHANNEL, LAB_REQUEST_CHANNEL, type LabBridge } from './bridge';

const lab: LabBridge = {
  request: (msg) => ipcRenderer.invoke(LAB_REQUEST_CHANNEL, msg),
  onEvent(cb) {
    // The IpcRendererEvent stays here: it carries `sender`, which must not reach the page.
    const listener = (_event: IpcRendererEvent, msg: unknown): void => cb(msg);
    ipcRenderer.on(LAB_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(LAB_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('lab', lab);
