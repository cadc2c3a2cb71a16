// The window's security settings, kept free of Electron imports so a plain test can assert
// them. Every item here is a deliberate choice; see ARCHITECTURE.md.
export interface SecureWebPreferences {
  contextIsolation: true
  sandbox: true
  nodeIntegration: false
  nodeIntegrationInWorker: false
  nodeIntegrationInSubFrames: false
  webSecurity: true
  allowRunningInsecureContent: false
  webviewTag: false
  experimentalFeatures: false
  navigateOnDragDrop: false
  spellcheck: false
  /** DevTools only in development: a packaged app has none (menu and shortcut alike). */
  devTools: boolean
  preload: string
}

export function windowOptions(
  preloadPath: string,
  opts: { packaged: boolean } = { packaged: true }
): {
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  autoHideMenuBar: boolean
  webPreferences: SecureWebPreferences
} {
  return {
    width: 960,
    height: 720,
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: 'Mail Setup',
    autoHideMenuBar: true,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !opts.packaged,
      preload: preloadPath
    }
  }
}

/** Only the app's own page may call the API: app://mail-setup/, or the dev server in development. */
export function isTrustedSenderUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url)
    const r = new URL(rendererUrl)
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname
    // A custom scheme's URL.origin is "null" for every host: compare scheme and host.
    if (r.protocol !== 'http:' && r.protocol !== 'https:')
      return u.protocol === r.protocol && u.host === r.host && r.host !== ''
    return u.origin === r.origin
  } catch {
    return false
  }
}
