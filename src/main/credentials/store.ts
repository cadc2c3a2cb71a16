// Credential store over keytar (stub: the credentials work fills this in).
import type { KeychainStatus } from '../../shared/account'

export type SecretRole = 'incoming' | 'outgoing' | 'oauth-refresh'

export interface CredentialStore {
  readonly service: string
  save(key: string, secret: string): Promise<KeychainStatus>
  get(key: string): Promise<string | null>
  remove(key: string): Promise<KeychainStatus>
}

/** The keychain account key for an address, role and username (documented in the README). */
export function credentialKey(address: string, role: SecretRole, username: string): string {
  return `${role}:${username.toLowerCase()}@${address.toLowerCase()}`
}

export function createCredentialStore(service: string): CredentialStore {
  return {
    service,
    async save() {
      return { stored: false, code: 'keychain-unavailable', service }
    },
    async get() {
      return null
    },
    async remove() {
      return { stored: false, service }
    }
  }
}
