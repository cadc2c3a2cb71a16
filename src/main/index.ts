// Electron entry: one secure window, the API over IPC with every request validated and
// every sender checked. All real work happens in services that do not import Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type WebContents } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from './config'
import { createServices, prepareTrust, type Services } from './services'
import { createHandlers, dispatch } from './api/handlers'
import { sweepSoon } from './helpdesk/bulk-folder'
import { OPERATION_NAMES } from '../shared/api-names'
import { operationChannel } from '../shared/ipc-channels'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import { isTrustedSenderUrl, windowOptions } from './window/options'
import { windowHooks } from './window/hooks'
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appMenu,
  denyPermissionCheck,
  rendererUrlFor,
  serveApp
} from './window/app-protocol'
import { APP_VERSION } from './version'
import { entryRoute } from './entry-route'
import { diagnose } from '../shared/diagnosis-catalog'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '..', 'renderer')
// ELECTRON_RENDERER_URL (electron-vite's dev server) only when not packaged; else app://mail-setup/.
const rendererUrl = rendererUrlFor({ packaged: app.isPackaged, env: process.env })

let mainWindow: BrowserWindow | undefined

function harden(contents: WebContents): void {
  // No navigation away from the wizard, no new windows, no webviews.
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

function createWindow(): void {
  const win = new BrowserWindow(windowOptions(join(here, '..', 'preload', 'index.cjs'), { packaged: app.isPackaged }))
  mainWindow = win
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    mainWindow = undefined
  })
  void win.loadURL(rendererUrl)
}

function registerApi(): Services {
  const hooks = windowHooks({ version: APP_VERSION, window: () => mainWindow, dialog, shell })
  const services = createServices(loadConfig(process.env))
  const handlers = createHandlers(services, hooks)
  // A new wizard session: copies of bulk lists an earlier one left (plain passwords maybe) go soon.
  sweepSoon(services.config)
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(operationChannel(name), async (event, request: unknown) => {
      if (!event.senderFrame || !isTrustedSenderUrl(event.senderFrame.url, rendererUrl)) {
        return { ok: false, error: diagnose('internal', { detail: 'untrusted sender' }) }
      }
      return dispatch(handlers, name, request)
    })
  }
  return services
}

/** The wizard's window: everything Electron does when not asked for the command line. */
function startWindow(): void {
  app.enableSandbox()
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  app.on('web-contents-created', (_event, contents) => harden(contents))

  void app.whenReady().then(() => {
    // Deny every permission request (camera, notifications, …): the wizard needs none.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    session.defaultSession.setPermissionCheckHandler(denyPermissionCheck)
    protocol.handle(APP_SCHEME, (request) => serveApp(request, rendererDir))
    // No DevTools or reload in a packaged app's menu (webPreferences.devTools is off there too).
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenu({ packaged: app.isPackaged, platform: process.platform }) as Parameters<
          typeof Menu.buildFromTemplate
        >[0]
      )
    )
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] }
      })
    })
    const services = registerApi()
    createWindow()
    // Shown: the user reads the first page while the trust store and TLS context are built.
    mainWindow?.once('ready-to-show', () => setImmediate(() => prepareTrust(services)))
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}

/**
 * `"Mail Setup" --cli …`: the command line inside the packaged binary (run-as-node is off),
 * with no window and no dock icon; the process ends with the CLI's exit code.
 */
async function runCliMode(args: string[]): Promise<void> {
  app.dock?.hide()
  // cli/index.ts also runs itself when this is set: it must run once, with these arguments.
  delete process.env.MAIL_SETUP_CLI_MAIN
  const { runCli } = await import('./cli/index')
  const code = await runCli(args, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: process.stdin,
    env: process.env
  })
  // Written to a pipe, stdout may still be on its way: exit once it has gone (a parent reads it).
  process.stdout.write('', () => app.exit(code))
}

const route = entryRoute(process.argv, app.isPackaged)
if (route.kind === 'cli') {
  runCliMode(route.args).catch((err: unknown) => {
    process.stderr.write(`internal error: ${String(err)}\n`)
    app.exit(1)
  })
} else startWindow()
