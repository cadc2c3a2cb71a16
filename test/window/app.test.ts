// The window's custom app:// protocol, the dev-server override, permission checks and DevTools,
// asserted without launching Electron (its runtime cannot be downloaded here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP_URL, appMenu, denyPermissionCheck, rendererUrlFor, serveApp } from '../../src/main/window/app-protocol'
import { isTrustedSenderUrl, windowOptions } from '../../src/main/window/options'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'

// The entry's source with line breaks inside calls folded, so the checks read the code, not its formatting.
const main = readFileSync(new URL('../../src/main/index.ts', import.meta.url), 'utf8')
  .replace(/\(\s+/g, '(')
  .replace(/\s+\)/g, ')')
  .replace(/\s+/g, ' ')
let dir: string
let rendererDir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'app-protocol-'))
  rendererDir = join(dir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wizard</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'outside')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('serves the built renderer with the CSP header', async () => {
    const page = await serveApp({ url: 'app://mail-setup/', method: 'GET' }, rendererDir)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.text()).toContain('wizard')
    const js = await serveApp({ url: 'app://mail-setup/assets/app.js' }, rendererDir)
    expect(js.headers.get('content-type')).toContain('text/javascript')
  })

  it('serves nothing outside the renderer folder, for no other host, and no bad escapes', async () => {
    expect((await serveApp({ url: 'app://mail-setup/../secret.txt' }, rendererDir)).status).toBe(404)
    expect((await serveApp({ url: 'app://mail-setup/%2e%2e/secret.txt' }, rendererDir)).status).toBe(404)
    expect((await serveApp({ url: 'app://mail-setup/..%2fsecret.txt' }, rendererDir)).status).toBe(404)
    expect((await serveApp({ url: 'app://other-host/index.html' }, rendererDir)).status).toBe(404)
    expect((await serveApp({ url: 'app://mail-setup/%ZZ' }, rendererDir)).status).toBe(400)
    expect((await serveApp({ url: 'app://mail-setup/index.html', method: 'POST' }, rendererDir)).status).toBe(405)
  })

  it('only the app page may call the API', () => {
    expect(isTrustedSenderUrl('app://mail-setup/index.html', APP_URL)).toBe(true)
    expect(isTrustedSenderUrl('app://evil/index.html', APP_URL)).toBe(false)
    expect(isTrustedSenderUrl('file:///app/out/renderer/index.html', APP_URL)).toBe(false)
    expect(isTrustedSenderUrl('http://localhost:5173/', APP_URL)).toBe(false)
  })

  it('the Electron entry registers the protocol as privileged and loads the page through it', () => {
    expect(main).toContain('protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])')
    expect(main).toContain('protocol.handle(APP_SCHEME, (request) => serveApp(request, rendererDir))')
    expect(main).toContain('rendererUrlFor({ packaged: app.isPackaged, env: process.env })')
    expect(main).not.toMatch(/pathToFileURL|file:\/\//)
    expect(main).not.toMatch(/process\.env\.ELECTRON_RENDERER_URL/)
  })
})

describe('development overrides', () => {
  it('ELECTRON_RENDERER_URL is honoured only when not packaged, and only on loopback', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
    expect(rendererUrlFor({ packaged: true, env })).toBe(APP_URL)
    expect(rendererUrlFor({ packaged: false, env })).toBe('http://localhost:5173/')
    expect(rendererUrlFor({ packaged: false, env: { ELECTRON_RENDERER_URL: 'https://evil.example/' } })).toBe(APP_URL)
    expect(rendererUrlFor({ packaged: false, env: { ELECTRON_RENDERER_URL: 'not a url' } })).toBe(APP_URL)
    expect(rendererUrlFor({ packaged: false, env: {} })).toBe(APP_URL)
  })

  it('no DevTools in a packaged app: webPreferences and menu', () => {
    expect(windowOptions('/p.cjs', { packaged: true }).webPreferences.devTools).toBe(false)
    expect(windowOptions('/p.cjs').webPreferences.devTools).toBe(false)
    expect(windowOptions('/p.cjs', { packaged: false }).webPreferences.devTools).toBe(true)
    const roles = (m: ReturnType<typeof appMenu>): string[] =>
      m.flatMap((i) => [i.role ?? '', ...(i.submenu ?? []).map((s) => s.role ?? '')])
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(roles(appMenu({ packaged: true, platform }))).not.toEqual(expect.arrayContaining(['toggleDevTools']))
      expect(roles(appMenu({ packaged: true, platform })).filter((r) => /reload|devtools/i.test(r))).toEqual([])
      expect(roles(appMenu({ packaged: false, platform }))).toContain('toggleDevTools')
    }
    expect(main).toContain("windowOptions(join(here, '..', 'preload', 'index.cjs'), { packaged: app.isPackaged })")
    expect(main).toContain('Menu.setApplicationMenu(Menu.buildFromTemplate(appMenu({ packaged: app.isPackaged')
  })

  it('every permission check is denied, as every permission request is', () => {
    expect(denyPermissionCheck()).toBe(false)
    expect(main).toContain('session.defaultSession.setPermissionCheckHandler(denyPermissionCheck)')
  })
})
