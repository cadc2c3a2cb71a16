import type { MailSetupApi } from '../shared/api'

declare global {
  interface Window {
    mailSetup?: MailSetupApi
  }
}
export {}
