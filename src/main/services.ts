// Builds the services every door shares, from one Config. Nothing here imports Electron.
import { rootCertificates } from 'node:tls'
import type { Config } from './config'
import { createDns, type Dns } from './net/dns'
import { AccountStore } from './accounts/store'
import { createCredentialStore, type CredentialStore } from './credentials/store'
import { SessionSecrets } from './session-secrets'

export interface Services {
  config: Config
  dns: Dns
  /** Trust store for every TLS connection: the system's plus the configured extras. */
  ca: string[]
  accounts: AccountStore
  credentials: CredentialStore
  secrets: SessionSecrets
}

export function createServices(config: Config): Services {
  return {
    config,
    dns: createDns(config),
    ca: [...rootCertificates, ...config.extraCaPem],
    accounts: new AccountStore(config.userDataDir),
    credentials: createCredentialStore(config.keychainService),
    secrets: new SessionSecrets()
  }
}
