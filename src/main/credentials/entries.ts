// Which keychain entries an account has, and which entry each role reads: the one place that
// decides it. Save, remove, OAuth and every exporter ask here, so an exported file always names
// the entry the save path wrote (docs/formats.md, "Keychain entries").
import type { Account, KeychainStatus } from '../../shared/account'
import type { ServerSettings } from '../../shared/domain'
import type { CredentialStore } from './store'

export type SecretRole = 'incoming' | 'outgoing' | 'oauth-refresh'

/** A direction that signs in: what a client reads a secret for. */
export type SignInRole = 'incoming' | 'outgoing'

export interface SecretEntry {
  role: SecretRole
  /** The keychain account name (keytar's `account`; the service is the app's). */
  key: string
}

type Signed = Pick<Account, 'address' | 'authKind'> & {
  incoming: Pick<ServerSettings, 'username'>
  outgoing: Pick<ServerSettings, 'username'>
}

/** The keychain account name for an address, role and username, both lower-cased. */
export function credentialKey(address: string, role: SecretRole, username: string): string {
  return `${role}:${username.toLowerCase()}@${address.toLowerCase()}`
}

/** The entry that holds an address's OAuth sign-in (its refresh token grant). */
export function refreshTokenKey(address: string): string {
  return credentialKey(address, 'oauth-refresh', address)
}

/**
 * The entry for the client ID Mail Setup registered at an OAuth issuer (RFC 7591): one per
 * issuer, shared by every address that signs in there.
 */
export function oauthClientKey(issuer: string): string {
  return `oauth-client:${issuer.replace(/\/$/, '')}`
}

/** True when outgoing signs in with another username, so its password has its own entry. */
function separateOutgoing(account: Signed): boolean {
  return account.outgoing.username.toLowerCase() !== account.incoming.username.toLowerCase()
}

/**
 * The entries an account has in the keychain: for a password account the incoming entry, plus
 * an outgoing one only when the outgoing username differs; for OAuth the refresh token.
 */
export function accountEntries(account: Signed): SecretEntry[] {
  if (account.authKind === 'oauth2') return [{ role: 'oauth-refresh', key: refreshTokenKey(account.address) }]
  const entries: SecretEntry[] = [
    { role: 'incoming', key: credentialKey(account.address, 'incoming', account.incoming.username) }
  ]
  if (separateOutgoing(account))
    entries.push({ role: 'outgoing', key: credentialKey(account.address, 'outgoing', account.outgoing.username) })
  return entries
}

/**
 * The entry a direction reads its secret from. One username: both directions read the incoming
 * entry (the only one saved). OAuth: both read the refresh token entry.
 */
export function entryFor(account: Signed, role: SignInRole): SecretEntry {
  const entries = accountEntries(account)
  return entries.find((e) => e.role === role) ?? entries[0]!
}

/** Stores a password account's password under every entry it has. */
export async function savePassword(store: CredentialStore, account: Signed, password: string): Promise<KeychainStatus> {
  let status: KeychainStatus = { stored: false, service: store.service }
  for (const entry of accountEntries(account)) {
    status = await store.save(entry.key, password)
    if (!status.stored) return status
  }
  return status
}

/**
 * Removes the password entries (OAuth grants are the OAuth service's to revoke and forget).
 * The status is the first entry's: whether the account's main secret is gone.
 */
export async function removePasswords(store: CredentialStore, account: Signed): Promise<KeychainStatus | undefined> {
  if (account.authKind === 'oauth2') return undefined
  let first: KeychainStatus | undefined
  for (const entry of accountEntries(account)) {
    const status = await store.remove(entry.key)
    first ??= status
  }
  return first
}
