// The window's page comes from `app://mail-setup/`, a custom protocol serving the built renderer
// with the CSP header, instead of file:// (where every local file shares the page's origin).
// The dev server (ELECTRON_RENDERER_URL) is honoured only in development, and only on loopback:
// its origin becomes a trusted API sender. Kept free of Electron imports so a plain test can
// serve requests and check the choices; index.ts wires them to protocol, session and Menu.
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'
import { CONTENT_TYPES } from '../content-types'

export const APP_SCHEME = 'app'
export const APP_HOST = 'mail-setup'
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true }
}

/** The page to load: the dev server in development (loopback only), else the app protocol. */
export function rendererUrlFor(opts: { packaged: boolean; env: NodeJS.ProcessEnv }): string {
  const dev = opts.env.ELECTRON_RENDERER_URL
  if (opts.packaged || !dev) return APP_URL
  try {
    const u = new URL(dev)
    const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]'
    return (u.protocol === 'http:' || u.protocol === 'https:') && loopback ? dev : APP_URL
  } catch {
    return APP_URL
  }
}

function answer(status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': type,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store'
    }
  })
}

/** Answers one app:// request from the built renderer folder; nothing outside it, no other host. */
export async function serveApp(request: { url: string; method?: string }, rendererDir: string): Promise<Response> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return answer(400, 'bad request')
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return answer(404, 'not found')
  if (request.method && request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed')
  let path: string
  try {
    path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
  } catch {
    return answer(400, 'bad request')
  }
  const rel = normalize(path).replace(/^([/\\])+/, '')
  const root = normalize(rendererDir)
  const file = join(root, rel)
  if (!file.startsWith(root + sep) || rel.includes('\0')) return answer(404, 'not found')
  try {
    return answer(200, await readFile(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
  } catch {
    return answer(404, 'not found')
  }
}

/** Every permission check (not only requests) is denied: the wizard needs none. */
export const denyPermissionCheck = (): boolean => false

type MenuItem = { role?: string; label?: string; submenu?: MenuItem[]; type?: 'separator' }

/** The application menu: editing and window roles; reload and DevTools only in development. */
export function appMenu(opts: { packaged: boolean; platform: NodeJS.Platform }): MenuItem[] {
  const menu: MenuItem[] = []
  if (opts.platform === 'darwin') menu.push({ role: 'appMenu' })
  menu.push({ role: 'editMenu' })
  if (!opts.packaged)
    menu.push({
      label: 'Development',
      submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }]
    })
  menu.push({ role: 'windowMenu' })
  return menu
}
