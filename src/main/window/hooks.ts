// The window door's hooks, apart from index.ts so a plain test can drive them with stand-ins
// for Electron's window, shell and dialog (described by shape: nothing here imports Electron).
import type { EventName, EventPayload } from '../../shared/api'
import { eventChannel } from '../../shared/ipc-channels'
import type { DoorHooks } from '../api/handlers'

interface WindowLike {
  webContents: { send(channel: string, payload: unknown): void }
}

export interface WindowParts<W extends WindowLike> {
  version: string
  window(): W | undefined
  dialog: {
    showSaveDialog(win: W, options: { defaultPath: string }): Promise<{ canceled: boolean; filePath?: string }>
  }
  shell: { openExternal(url: string): Promise<void> }
}

export function windowHooks<W extends WindowLike>(parts: WindowParts<W>): DoorHooks {
  return {
    door: 'window',
    version: parts.version,
    emit<K extends EventName>(event: K, payload: EventPayload<K>) {
      parts.window()?.webContents.send(eventChannel(event), payload)
    },
    async chooseSavePath(defaultName) {
      const win = parts.window()
      if (!win) return undefined
      const result = await parts.dialog.showSaveDialog(win, { defaultPath: defaultName })
      return result.canceled ? undefined : result.filePath
    },
    // The handlers check every URL first, against the fixed list and the OAuth origins (policy
    // file, discovered issuers). Checking again here without those origins refused exactly
    // the sign-in pages the handler had allowed.
    async openExternal(url) {
      await parts.shell.openExternal(url)
      return true
    }
  }
}
