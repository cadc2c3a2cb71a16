// The window's security settings, the CSP and the IPC guards, asserted without launching
// Electron (its runtime cannot be downloaded on CI machines).
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { windowOptions, isTrustedSenderUrl } from '../../src/main/window/options'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { isAllowedExternalUrl } from '../../src/shared/external'
import { loadProviderTable } from '../../src/main/discovery/builtin'
import { providerOrigins } from '../../src/main/discovery/provider-facts'

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

describe('window security', () => {
  const opts = windowOptions('/app/out/preload/index.cjs')

  it('isolates and sandboxes the renderer with no Node', () => {
    expect(opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(opts.webPreferences.preload).toMatch(/\.cjs$/)
    expect(opts.minWidth).toBe(800)
    expect(opts.minHeight).toBe(600)
  })

  it('the Electron entry uses these options, denies navigation, new windows, webviews and permissions', () => {
    const main = read('src/main/index.ts')
    expect(main).toContain('new BrowserWindow(windowOptions(')
    expect(main).toContain("contents.on('will-navigate', (event) => event.preventDefault())")
    expect(main).toContain("contents.setWindowOpenHandler(() => ({ action: 'deny' }))")
    expect(main).toContain("contents.on('will-attach-webview', (event) => event.preventDefault())")
    expect(main).toContain('setPermissionRequestHandler((_wc, _permission, callback) => callback(false))')
    expect(main).toContain('app.enableSandbox()')
    expect(main).toMatch(/isTrustedSenderUrl\(event\.senderFrame\.url/)
  })

  it('the preload exposes named methods only, never the IPC object', () => {
    const preload = read('src/preload/index.ts')
    expect(preload).toContain("contextBridge.exposeInMainWorld('mailSetup', Object.freeze(api))")
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/)
    expect(preload).not.toMatch(/api\.\w+\s*=\s*ipcRenderer\b/)
  })

  it('the CSP allows no inline script, eval or remote origin', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
    // The HTML shell carries the same policy (frame-ancestors is header-only).
    const html = read('src/renderer/index.html')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''))
  })

  it('only the app page may call the API', () => {
    const file = 'file:///app/out/renderer/index.html'
    expect(isTrustedSenderUrl(file, file)).toBe(true)
    expect(isTrustedSenderUrl('file:///tmp/evil.html', file)).toBe(false)
    expect(isTrustedSenderUrl('https://evil.example/', file)).toBe(false)
    expect(isTrustedSenderUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true)
    expect(isTrustedSenderUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })

  it('openExternal accepts only https pages the provider table links to', () => {
    const origins = providerOrigins(loadProviderTable(new URL('resources', root).pathname))
    expect(isAllowedExternalUrl('https://support.google.com/mail/answer/185833', origins)).toBe(true)
    expect(isAllowedExternalUrl('https://myaccount.google.com/apppasswords', origins)).toBe(true)
    expect(isAllowedExternalUrl('http://support.google.com/', origins)).toBe(false)
    expect(isAllowedExternalUrl('https://evil.example/', origins)).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd', origins)).toBe(false)
    expect(isAllowedExternalUrl('https://user:pw@support.google.com/', origins)).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)', origins)).toBe(false)
  })
})
