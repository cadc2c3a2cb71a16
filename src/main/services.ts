// Builds the services every door shares, from one Config. Nothing here imports Electron.
import type { Config } from './config'
import { createDns, type Dns } from './net/dns'
import { buildTrustStore, registerStore, secureContextFor } from './net/trust'
import { AccountStore } from './accounts/store'
import { createCredentialStore, type CredentialStore } from './credentials/store'
import { selfCommand } from './self-command'
import { SessionSecrets } from './session-secrets'
import { StopMemory } from './verify/stop-memory'
import { policyOf, type Policy } from './policy'

export interface Services {
  config: Config
  dns: Dns
  /**
   * Trust store for every TLS connection: the OS store, NODE_EXTRA_CA_CERTS, MAIL_SETUP_EXTRA_CA and Node's list, built
   * once.
   */
  ca: string[]
  accounts: AccountStore
  credentials: CredentialStore
  secrets: SessionSecrets
  /** "Slow down" and "locked" answers, held for the session's later checks (verify/stop-memory.ts). */
  signInStops: StopMemory
  /** The organisation's policy (src/main/policy/), read on first use. */
  readonly policy: Policy
}

export function createServices(config: Config): Services {
  let ca: string[] | undefined
  return {
    config,
    dns: createDns(config),
    // Built on first use: commands that make no TLS connection (accounts, export) never read it.
    get ca() {
      return (ca ??= registerStore(buildTrustStore(config.trustEnv ?? {}, config.extraCaPem)))
    },
    accounts: new AccountStore(config.userDataDir),
    credentials: createCredentialStore(config.keychainService, {
      // This build's own command line: MAIL_SETUP_COMMAND names one for exports, maybe a wrapper.
      helper: () => selfCommand({ ...config, command: undefined })
    }),
    secrets: new SessionSecrets(),
    signInStops: new StopMemory(),
    get policy() {
      return policyOf(config)
    }
  }
}

/**
 * Builds the trust store and the TLS context every connection starts from (OpenSSL parses every
 * trusted root: tens of ms of CPU, net/trust.ts), for a door that stays open: done while the user
 * reads the first page, the first search does not pay for it before or after its first answer.
 * The CLI does not call it: its search builds them while its first questions travel.
 */
export function prepareTrust(services: Services): void {
  if (!services.config.offline) secureContextFor(services.ca)
}
