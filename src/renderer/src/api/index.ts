// The wizard's one way to reach the main side. In the Electron window the preload has
// exposed `window.mailSetup`; in browser mode the same API is served over HTTP on loopback.
import type { MailSetupApi } from '../../../shared/api'
import { createHttpApi } from './http'

// `window.mailSetup` is declared in src/preload/index.d.ts.
export const api: MailSetupApi = window.mailSetup ?? createHttpApi()
export type { MailSetupApi }
