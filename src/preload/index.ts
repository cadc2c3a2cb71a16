// The preload runs sandboxed and exposes named methods only: one per operation of the
// contract, plus event subscription. The IPC object itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_NAMES, OPERATION_NAMES } from '../shared/api-names'
import { eventChannel, operationChannel } from '../shared/ipc-channels'

const api: Record<string, unknown> = {}
for (const name of OPERATION_NAMES) {
  api[name] = (request: unknown) => ipcRenderer.invoke(operationChannel(name), request)
}
api.on = (event: string, listener: (payload: unknown) => void): (() => void) => {
  if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`)
  const channel = eventChannel(event)
  const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload)
  ipcRenderer.on(channel, handler)
  return () => ipcRenderer.removeListener(channel, handler)
}

contextBridge.exposeInMainWorld('mailSetup', Object.freeze(api))
