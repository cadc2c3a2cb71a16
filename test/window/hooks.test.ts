// The window door's hooks behind the real handlers, with stand-ins for Electron's shell and
// dialog (its runtime cannot run here): the system browser opens what the handler allowed,
// OAuth origins from the policy file included, and nothing else.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { windowHooks } from '../../src/main/window/hooks'

const dir = mkdtempSync(join(tmpdir(), 'window-hooks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Win = { webContents: { send(channel: string, payload: unknown): void } }

function windowApp(win?: Win) {
  const policy = join(dir, 'policy.json')
  writeFileSync(policy, JSON.stringify({ oauth: { issuers: { 'login.contoso.example': { clientId: 'contoso' } } } }))
  const config = loadConfig({ MAIL_SETUP_USER_DATA: dir, MAIL_SETUP_POLICY: policy, MAIL_SETUP_OFFLINE: '1' })
  const opened: string[] = []
  const hooks = windowHooks({
    version: 'test',
    window: () => win,
    dialog: { showSaveDialog: async (_w, o) => ({ canceled: false, filePath: join(dir, o.defaultPath) }) },
    shell: { openExternal: async (url) => void opened.push(url) }
  })
  return { opened, hooks, handlers: createHandlers(createServices(config), hooks) }
}

describe('window hooks', () => {
  it("opens the policy's sign-in origin and the fixed help pages in the system browser, nothing else", async () => {
    const a = windowApp()
    const open = (url: string) => dispatch(a.handlers, 'openExternal', { url })
    expect(await open('https://login.contoso.example/authorize?x=1')).toEqual({ ok: true, value: { opened: true } })
    expect(await open('https://support.google.com/mail/')).toEqual({ ok: true, value: { opened: true } })
    expect(await open('https://evil.example/')).toEqual({ ok: true, value: { opened: false } })
    expect(a.opened).toEqual(['https://login.contoso.example/authorize?x=1', 'https://support.google.com/mail/'])
  })

  it('asks for a save path only with a window, and sends events to it', async () => {
    expect(await windowApp().hooks.chooseSavePath!('a.txt')).toBeUndefined()
    const sent: unknown[][] = []
    const win: Win = { webContents: { send: (...args: unknown[]) => void sent.push(args) } }
    const a = windowApp(win)
    expect(await a.hooks.chooseSavePath!('a.txt')).toBe(join(dir, 'a.txt'))
    a.hooks.emit('oauth', { sessionId: 's', state: 'waiting' })
    expect(sent).toHaveLength(1)
    expect(sent[0]![1]).toEqual({ sessionId: 's', state: 'waiting' })
  })
})
