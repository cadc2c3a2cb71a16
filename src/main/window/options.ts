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
  preload: string
}

export function windowOptions(preloadPath: string): {
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
      preload: preloadPath
    }
  }
}

/** Only the app's own page may call the API: the packaged file, or the dev server in development. */
export function isTrustedSenderUrl(url: string, rendererUrl: string): boolean {
  try {
    const u = new URL(url)
    const r = new URL(rendererUrl)
    if (r.protocol === 'file:') return u.protocol === 'file:' && u.pathname === r.pathname
    return u.origin === r.origin
  } catch {
    return false
  }
}
