// OAuth2 sign-in sessions: begin (PKCE + state + loopback listener, authorize URL), the code
// exchanged in main as soon as the browser comes back, access tokens in memory and refreshed
// shortly before they expire. The refresh token stays in memory (like a typed password in
// session-secrets.ts) until the account is saved: only then does it go to the keychain, so an
// abandoned wizard leaves nothing behind.
import { createHash, randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { KeychainStatus } from '../../shared/account'
import type { OAuth2Settings } from '../../shared/domain'
import type { Config } from '../config'
import type { CredentialStore } from '../credentials/store'
import { refreshTokenKey } from '../credentials/entries'
import type { Dns } from '../net/dns'
import { AppError, fail } from '../errors'
import { withFileLock } from '../accounts/lock'
import { registerSecret } from '../redact'
import { requestJson, requireHttps } from './http'
import { startRedirectListener } from './loopback'
import { fetchMetadata } from './metadata'
import { pkcePair, randomToken } from './pkce'
import {
  configuredOrigins,
  loadProviderTable,
  noClientId,
  resolveClient,
  type ClientSettings,
  type ProviderTable
} from './providers'
import { chooseScope, registeredClientId } from './registration'
import { requestTokens, type TokenSet } from './tokens'
import { oauthAvailability, type OAuthAvailability, type OAuthRequest } from './availability'

export type OAuthState = 'waiting' | 'exchanging' | 'done' | 'failed'

type Endpoints = ClientSettings & { authorizationEndpoint: string; tokenEndpoint: string; requireIss?: boolean }

export interface OAuthDeps {
  config: Pick<Config, 'resourcesDir' | 'policyFile'>
  dns: Dns
  ca: string[]
  credentials: CredentialStore
  /** How long to wait for the browser to come back (default 5 minutes). */
  redirectTimeoutMs?: number
  /**
   * Folder for the lock that lets one process at a time refresh a saved sign-in (the app and any
   * number of `mail-setup token` runs share the keychain entry; a rotated refresh token used
   * twice ends the grant). Without it, refreshes are serialised within this process only.
   */
  lockDir?: string
  now?: () => number
}

export interface BeginRequest {
  address: string
  oauth2?: OAuth2Settings
  providerId?: string
  signal?: AbortSignal
  timeoutMs?: number
  onState?(state: OAuthState, sessionId: string): void
}

export interface Begun {
  sessionId: string
  authorizeUrl: string
  redirectUri: string
  /** Settles when the sign-in finished or failed (never rejects). */
  settled: Promise<void>
}

/** What the keychain holds for an OAuth account: enough to refresh after a restart. */
interface StoredGrant {
  v: 1
  issuer: string
  clientId: string
  tokenEndpoint: string
  scope: string
  refreshWithScope?: boolean
  /** RFC 7009 endpoint, to withdraw the grant when the account is removed. */
  revocationEndpoint?: string
  refreshToken: string
  /** The last access token and when it stops working (epoch ms), so a later process reuses it. */
  accessToken?: string
  expiresAt?: number
  lifetimeMs?: number
}

interface Session {
  id: string
  address: string
  client: ClientSettings & { tokenEndpoint: string }
  outcome?: Promise<{ username?: string }>
  tokens?: TokenSet
  refreshing?: Promise<string>
  /** Stops waiting for the browser (the sign-in then fails with oauth-cancelled). */
  stop?: () => void
  /** Its account is saved: the keychain holds (and follows) this session's refresh token. */
  saved?: boolean
  /** When the sign-in finished, to pick an address's newest one. */
  finished?: number
}

/** The tokens a stored grant holds (an access token only when it was kept with its expiry). */
function storedTokens(grant: StoredGrant): TokenSet {
  registerSecret(grant.refreshToken)
  const cached =
    typeof grant.accessToken === 'string' && typeof grant.expiresAt === 'number' && typeof grant.lifetimeMs === 'number'
  if (cached) registerSecret(grant.accessToken)
  return {
    accessToken: cached ? grant.accessToken! : '',
    expiresAt: cached ? grant.expiresAt! : 0,
    lifetimeMs: cached ? grant.lifetimeMs! : 0,
    refreshToken: grant.refreshToken
  }
}

/** Whether an access token still has a safe margin before it expires. */
function fresh(t: TokenSet, now: number): boolean {
  const margin = Math.min(60_000, t.lifetimeMs / 4)
  return Boolean(t.accessToken) && t.expiresAt - margin > now
}

function parseGrant(raw: string | null): StoredGrant | undefined {
  if (!raw) return undefined
  try {
    const g = JSON.parse(raw) as Partial<StoredGrant>
    const ok =
      g.v === 1 &&
      typeof g.refreshToken === 'string' &&
      typeof g.tokenEndpoint === 'string' &&
      typeof g.clientId === 'string' &&
      typeof g.issuer === 'string'
    return ok ? (g as StoredGrant) : undefined
  } catch {
    // an entry we cannot read is treated as no sign-in
    return undefined
  }
}

export { refreshTokenKey }

export class OAuthService {
  private readonly sessions = new Map<string, Session>()
  private readonly learnedOrigins = new Set<string>()
  /** Client IDs registered at issuers this session (the keychain keeps them across runs). */
  private readonly registrations = new Map<string, string>()
  private readonly registrable = new Map<string, Promise<boolean>>()
  private finishedCount = 0
  private table?: Promise<ProviderTable>

  constructor(private readonly deps: OAuthDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  providers(): Promise<ProviderTable> {
    this.table ??= loadProviderTable(this.deps.config)
    return this.table
  }

  /** Whether "Sign in with …" can work for these settings (see availability.ts); nothing secret in it. */
  async availability(req: OAuthRequest, signal?: AbortSignal): Promise<Omit<OAuthAvailability, 'clientId' | 'known'>> {
    const { available, via, providerName, providerId, known } = oauthAvailability(await this.providers(), req)
    if (!available && !known && req.oauth2 && (await this.canRegister(req.oauth2.issuer, signal))) {
      // An open public client can get its own client ID there (RFC 7591).
      return { available: true, via: 'registration', providerName }
    }
    return { available, providerName, ...(via ? { via } : {}), ...(providerId ? { providerId } : {}) }
  }

  /** Whether the issuer's metadata offers registration (asked once per issuer and session). */
  private canRegister(issuer: string, signal?: AbortSignal): Promise<boolean> {
    let answer = this.registrable.get(issuer)
    if (!answer) {
      answer = fetchMetadata(issuer, { dns: this.deps.dns, ca: this.deps.ca, signal, timeoutMs: 5000 }).then(
        (m) => Boolean(m.registration_endpoint),
        () => false
      )
      this.registrable.set(issuer, answer)
      // A failed look-up is asked again next time (the network may be back).
      void answer.then((yes) => yes || this.registrable.delete(issuer))
    }
    return answer
  }

  /** Origins whose sign-in pages may be opened in the system browser. */
  async allowedOrigins(): Promise<string[]> {
    // A broken policy file must not break opening help pages: it just adds nothing.
    const table = await this.providers().catch(() => undefined)
    return [...(table ? configuredOrigins(table) : []), ...this.learnedOrigins]
  }

  private async endpoints(client: ClientSettings, signal?: AbortSignal): Promise<Endpoints> {
    if (client.authorizationEndpoint && client.tokenEndpoint && client.providerId) {
      return { ...client, authorizationEndpoint: client.authorizationEndpoint, tokenEndpoint: client.tokenEndpoint }
    }
    // An issuer autoconfig or PACC named: its own metadata first (RFC 8414), the file's URLs as fallback.
    let meta
    try {
      meta = await fetchMetadata(client.issuer, { dns: this.deps.dns, ca: this.deps.ca, signal })
    } catch (err) {
      if (
        !(client.authorizationEndpoint && client.tokenEndpoint && client.clientId) ||
        !(err instanceof AppError) ||
        err.diagnosis.code !== 'oauth-server-error'
      )
        throw err
    }
    const authorizationEndpoint = meta?.authorization_endpoint ?? client.authorizationEndpoint!
    const tokenEndpoint = meta?.token_endpoint ?? client.tokenEndpoint!
    requireHttps(authorizationEndpoint, 'authorization endpoint')
    requireHttps(tokenEndpoint, 'token endpoint')
    let { clientId, scope } = client
    if (!clientId) {
      // No client ID configured: an open public client registers itself (draft-ietf-mailmaint-oauth-public).
      if (!meta?.registration_endpoint) noClientId(new URL(client.issuer).hostname)
      clientId = (
        await registeredClientId(client.issuer, meta.registration_endpoint, {
          dns: this.deps.dns,
          ca: this.deps.ca,
          signal,
          credentials: this.deps.credentials,
          memory: this.registrations
        })
      ).clientId
      scope = chooseScope(scope, meta)
    } else if (!scope.trim()) scope = chooseScope(scope, meta)
    this.learnedOrigins.add(new URL(authorizationEndpoint).origin)
    return {
      ...client,
      clientId,
      scope,
      authorizationEndpoint,
      tokenEndpoint,
      revocationEndpoint: meta?.revocation_endpoint,
      requireIss: meta?.authorization_response_iss_parameter_supported === true
    }
  }

  async begin(req: BeginRequest): Promise<Begun> {
    const client = await this.endpoints(resolveClient(await this.providers(), req), req.signal)
    const { verifier, challenge } = pkcePair()
    const state = randomToken(24)
    const listener = await startRedirectListener({
      state,
      issuer: client.providerId ? undefined : client.issuer,
      requireIss: client.requireIss,
      timeoutMs: req.timeoutMs ?? this.deps.redirectTimeoutMs ?? 5 * 60_000,
      signal: req.signal
    })
    const url = new URL(client.authorizationEndpoint)
    const params: Record<string, string> = {
      ...client.extraAuthParams,
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: listener.redirectUri,
      scope: client.scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: req.address
    }
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)

    const session: Session = { id: randomUUID(), address: req.address.toLowerCase(), client, stop: listener.close }
    const emit = (s: OAuthState): void => req.onState?.(s, session.id)
    session.outcome = listener.result.then(async ({ code }) => {
      emit('exchanging')
      registerSecret(code)
      const tokens = await requestTokens(
        client.tokenEndpoint,
        client.clientId,
        { kind: 'code', code, verifier, redirectUri: listener.redirectUri },
        {
          dns: this.deps.dns,
          ca: this.deps.ca,
          signal: req.signal,
          now: this.deps.now
        }
      )
      // Kept in memory only; saveAccount calls keep() to put the refresh token in the keychain.
      session.tokens = tokens
      session.finished = ++this.finishedCount
      emit('done')
      return { username: tokens.email }
    })
    session.outcome.catch(() => emit('failed'))
    this.sessions.set(session.id, session)
    emit('waiting')
    return {
      sessionId: session.id,
      authorizeUrl: url.href,
      redirectUri: listener.redirectUri,
      settled: session.outcome.then(
        () => undefined,
        () => undefined
      )
    }
  }

  /** Waits for the browser to come back and the code exchange; rejects with an oauth-* diagnosis. */
  async complete(sessionId: string): Promise<{ sessionId: string; username?: string }> {
    const session = this.sessions.get(sessionId)
    if (!session?.outcome) return fail('oauth-required', { detail: 'no such sign-in session' })
    try {
      return { sessionId, ...(await session.outcome) }
    } catch (err) {
      // Nothing half-saved: a failed session is forgotten (its keychain write never happened).
      this.sessions.delete(sessionId)
      throw err
    }
  }

  /** Gives up waiting for the browser of a sign-in that has not come back yet. */
  cancel(sessionId: string): boolean {
    const session = this.sessions.get(sessionId)
    if (!session?.stop || session.tokens) return false
    session.stop()
    return true
  }

  private async store(session: Session, refreshToken: string): Promise<KeychainStatus> {
    const grant: StoredGrant = {
      v: 1,
      issuer: session.client.issuer,
      clientId: session.client.clientId,
      tokenEndpoint: session.client.tokenEndpoint,
      scope: session.client.scope,
      refreshWithScope: session.client.refreshWithScope,
      revocationEndpoint: session.client.revocationEndpoint,
      refreshToken,
      ...(session.tokens?.accessToken
        ? {
            accessToken: session.tokens.accessToken,
            expiresAt: session.tokens.expiresAt,
            lifetimeMs: session.tokens.lifetimeMs
          }
        : {})
    }
    // A keychain that is unavailable leaves the token in memory for this session only.
    return this.deps.credentials.save(refreshTokenKey(session.address), JSON.stringify(grant))
  }

  /** The newest finished sign-in for an address held in memory. */
  private latest(address: string): Session | undefined {
    let best: Session | undefined
    for (const s of this.sessions.values())
      if (s.address === address && s.tokens && (s.finished ?? 0) >= (best?.finished ?? -1)) best = s
    return best
  }

  /**
   * Called when an OAuth account for `address` is saved: writes the newest sign-in's refresh
   * token to the keychain, and from then on keeps the keychain in step with its rotations.
   * Without a sign-in in memory (saved again after a restart) it reports what the keychain holds.
   */
  /** The issuer and scope of the address's newest sign-in, so a saved account records how it signs in. */
  settingsOf(address: string): { issuer: string; scope: string; providerId?: string } | undefined {
    const client = this.latest(address.toLowerCase())?.client
    return client ? { issuer: client.issuer, scope: client.scope, providerId: client.providerId } : undefined
  }

  async keep(address: string): Promise<KeychainStatus> {
    const addr = address.toLowerCase()
    const service = this.deps.credentials.service
    const session = this.latest(addr)
    if (!session) {
      try {
        const grant = parseGrant(await this.deps.credentials.get(refreshTokenKey(addr)))
        return grant ? { stored: true, service } : { stored: false, code: 'oauth-required', service }
      } catch (err) {
        return { stored: false, code: err instanceof AppError ? err.diagnosis.code : 'keychain-unavailable', service }
      }
    }
    // Only the newest sign-in follows the keychain; an older one must not overwrite it.
    for (const s of this.sessions.values()) if (s.address === addr) s.saved = s === session
    const refreshToken = session.tokens?.refreshToken
    // A server that gave no refresh token: nothing to keep, the user signs in again next time.
    if (!refreshToken) return { stored: false, service }
    return this.store(session, refreshToken)
  }

  /** A session for an address from the keychain, after a restart. */
  private async restore(address: string): Promise<Session | undefined> {
    const grant = parseGrant(await this.deps.credentials.get(refreshTokenKey(address)))
    if (!grant) return undefined
    const session: Session = {
      id: randomUUID(),
      address,
      client: {
        providerName: new URL(grant.issuer).hostname,
        issuer: grant.issuer,
        clientId: grant.clientId,
        scope: grant.scope,
        tokenEndpoint: grant.tokenEndpoint,
        extraAuthParams: {},
        refreshWithScope: grant.refreshWithScope === true
      },
      tokens: storedTokens(grant),
      saved: true,
      finished: 0
    }
    this.sessions.set(session.id, session)
    return session
  }

  private async sessionFor(sessionId: string, address: string): Promise<Session> {
    const addr = address.toLowerCase()
    const byId = this.sessions.get(sessionId)
    if (byId && byId.address !== addr) fail('oauth-required', { detail: 'the sign-in belongs to another address' })
    const session = byId ?? this.latest(addr) ?? (await this.restore(addr))
    if (!session) return fail('oauth-required', { detail: 'no sign-in for this address' })
    if (!session.tokens && session.outcome) await session.outcome
    return session
  }

  /** A valid access token, refreshed when it is about to expire. */
  async accessToken(sessionId: string, address: string, signal?: AbortSignal): Promise<string> {
    const session = await this.sessionFor(sessionId, address)
    const t = session.tokens
    if (!t) return fail('oauth-required', { detail: 'sign-in not finished' })
    if (fresh(t, this.now())) return t.accessToken
    session.refreshing ??= this.refreshSaved(session, signal).finally(() => (session.refreshing = undefined))
    return session.refreshing
  }

  /**
   * A saved sign-in is refreshed under a lock shared with other processes, after reading the
   * keychain again: another process may have refreshed (and rotated the refresh token) since.
   */
  private async refreshSaved(session: Session, signal?: AbortSignal): Promise<string> {
    if (!session.saved || !this.deps.lockDir) return this.refresh(session, signal)
    const name = `oauth-${createHash('sha256').update(session.address).digest('hex').slice(0, 16)}`
    await mkdir(this.deps.lockDir, { recursive: true, mode: 0o700 })
    return withFileLock(join(this.deps.lockDir, name), async () => {
      const grant = parseGrant(await this.deps.credentials.get(refreshTokenKey(session.address)))
      if (grant) {
        const stored = storedTokens(grant)
        if (fresh(stored, this.now())) {
          session.tokens = { ...stored, email: session.tokens?.email }
          return stored.accessToken
        }
        if (session.tokens) session.tokens.refreshToken = stored.refreshToken
      }
      return this.refresh(session, signal)
    })
  }

  private async refresh(session: Session, signal?: AbortSignal): Promise<string> {
    const refreshToken = session.tokens?.refreshToken
    if (!refreshToken)
      return fail('oauth-token-expired', { protocol: 'oauth', detail: 'access token expired and no refresh token' })
    let next: TokenSet
    try {
      next = await requestTokens(
        session.client.tokenEndpoint,
        session.client.clientId,
        { kind: 'refresh', refreshToken, scope: session.client.refreshWithScope ? session.client.scope : undefined },
        {
          dns: this.deps.dns,
          ca: this.deps.ca,
          signal,
          now: this.deps.now
        }
      )
    } catch (err) {
      if (err instanceof AppError && err.diagnosis.code === 'oauth-token-expired') {
        // The grant is gone for good: forget it so the next step asks to sign in; the keychain
        // entry too when it is this session's (an unsaved sign-in never wrote one).
        this.sessions.delete(session.id)
        if (session.saved) await this.deps.credentials.remove(refreshTokenKey(session.address))
      }
      throw err
    }
    session.tokens = {
      ...next,
      refreshToken: next.refreshToken ?? refreshToken,
      email: next.email ?? session.tokens?.email
    }
    // A saved sign-in keeps the new access token too, so the next process need not refresh.
    if (session.saved) await this.store(session, next.refreshToken ?? refreshToken)
    return next.accessToken
  }

  /** The verification Secret for an OAuth sign-in. */
  secret(sessionId: string, address: string): { kind: 'oauth2'; accessToken: () => Promise<string> } {
    return { kind: 'oauth2', accessToken: () => this.accessToken(sessionId, address) }
  }

  /**
   * Forgets a sign-in. With `everywhere`, also withdraws the grant at the authorization server
   * (RFC 7009, where it offers that; best effort) and removes the keychain entry.
   */
  async forget(address: string, everywhere = false): Promise<void> {
    const addr = address.toLowerCase()
    // Grants held in memory too: a sign-in whose keychain write failed is still withdrawn.
    const grants: Array<Pick<StoredGrant, 'refreshToken' | 'clientId' | 'revocationEndpoint'>> = []
    for (const [id, s] of this.sessions) {
      if (s.address !== addr) continue
      this.sessions.delete(id)
      if (s.tokens?.refreshToken) grants.push({ ...s.client, refreshToken: s.tokens.refreshToken })
    }
    if (!everywhere) return
    const stored = parseGrant(await this.deps.credentials.get(refreshTokenKey(addr)).catch(() => null))
    if (stored) grants.push(stored)
    const seen = new Set<string>()
    for (const grant of grants) {
      if (!grant.revocationEndpoint || seen.has(grant.refreshToken)) continue
      seen.add(grant.refreshToken)
      await requestJson(
        grant.revocationEndpoint,
        { token: grant.refreshToken, token_type_hint: 'refresh_token', client_id: grant.clientId },
        {
          dns: this.deps.dns,
          ca: this.deps.ca,
          timeoutMs: 5000
        }
      ).catch(() => undefined)
    }
    await this.deps.credentials.remove(refreshTokenKey(addr))
  }
}
