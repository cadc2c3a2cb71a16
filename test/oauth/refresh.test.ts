// Access tokens that really expire (2 s at the authorization server): the app refreshes them,
// holds the refresh token in memory until the account is saved, then keeps the rotated one in
// the keychain, and picks the sign-in up again after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImapFlow } from 'imapflow'
import type { Browser } from 'playwright-core'
import { createDns } from '../../src/main/net/dns'
import { verify } from '../../src/main/verify'
import { refreshTokenKey, type OAuthService } from '../../src/main/oauth'
import { requestTokens } from '../../src/main/oauth/tokens'
import type { OAuth2Settings, ServerSettings } from '../../src/shared/domain'
import { launchBrowser, openPage, signIn } from './browser'
import { startOAuthWorld, type OAuthWorld } from './setup'

let world: OAuthWorld
let browser: Browser
const dns = createDns({ dnsServers: [] })
const address = 'judy@example.test'

beforeAll(async () => {
  world = await startOAuthWorld({ accessTokenTtl: 2 })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await world?.stop()
})

/** The terminal's way in (as `verify --oauth` does through the API): show the URL, wait for the redirect. */
async function signInFromTerminal(
  oauth: OAuthService,
  opts: { address: string; oauth2?: OAuth2Settings; print(url: string): void }
) {
  const begun = await oauth.begin({ address: opts.address, oauth2: opts.oauth2 })
  opts.print(begun.authorizeUrl)
  return oauth.complete(begun.sessionId)
}

const imap = (): ServerSettings => ({
  protocol: 'imap',
  host: world.mailHost,
  port: 993,
  security: 'tls',
  username: address,
  auth: ['oauth2']
})
const smtp = (): ServerSettings => ({
  protocol: 'smtp',
  host: world.mailHost,
  port: 465,
  security: 'tls',
  username: address,
  auth: ['oauth2']
})

async function verifyWith(svc: OAuthService, sessionId: string): Promise<string[]> {
  const r = await verify(
    { address, incoming: [imap()], outgoing: [smtp()], secret: svc.secret(sessionId, address), exceptions: [] },
    { dns, ca: [world.pki.caPem], signal: new AbortController().signal, onProbe: () => undefined }
  )
  return r.probes.map((p) => `${p.settings.protocol}:${p.state}${p.diagnosis ? `:${p.diagnosis.code}` : ''}`).sort()
}

// The app's clock, moved ahead once the server has expired a token: the server counts whole
// seconds, so it may expire a 2 s token up to a second before the app expects.
let ahead = 0
const appClock = (): number => Date.now() + ahead

/** Waits until the authorization server itself says the token is no longer active. */
async function untilExpired(token: string): Promise<void> {
  for (let i = 0; i < 100 && (await world.oauth.introspect(token)).active; i++)
    await new Promise((r) => setTimeout(r, 100))
  expect((await world.oauth.introspect(token)).active).toBe(false)
  ahead += 2000
}

async function imapLogin(token: string): Promise<boolean> {
  const client = new ImapFlow({
    host: world.mailHost,
    port: 993,
    secure: true,
    tls: { ca: [world.pki.caPem] },
    auth: { user: address, accessToken: token },
    logger: false
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.logout()
    return true
  } catch {
    return false
  }
}

const storedRefreshToken = async (): Promise<string> =>
  (JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as { refreshToken: string }).refreshToken

describe('refresh after expiry', () => {
  let svc: OAuthService
  let sessionId: string

  it('signs in from the terminal flow: prints the URL and waits for the redirect', async () => {
    svc = world.service({ now: appClock })
    const printed: string[] = []
    const done = await signInFromTerminal(svc, {
      address,
      oauth2: world.oauth2,
      print: (url) => {
        printed.push(url)
        void openPage(browser, url).then((page) => signIn(page, address))
      }
    })
    expect(printed).toHaveLength(1)
    expect(printed[0]!.startsWith(`${world.oauth.issuer}/auth?`)).toBe(true)
    expect(done.username).toBe(address)
    sessionId = done.sessionId
    expect(await verifyWith(svc, sessionId)).toEqual(['imap:ok', 'smtp:ok'])
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
  })

  it('before the account is saved, a refresh rotates the token in memory only; saving stores the current one', async () => {
    const first = await svc.accessToken(sessionId, address)
    await untilExpired(first)
    const next = await svc.accessToken(sessionId, address)
    expect(next).not.toBe(first)
    expect(await imapLogin(next)).toBe(true)
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    expect(await svc.keep(address)).toEqual({ stored: true, service: world.config.keychainService })
    // The stored one is the rotated token the server still honours (a used one is not).
    expect((await world.oauth.introspect(await storedRefreshToken())).active).toBe(true)
  })

  it('refreshes an access token the mail server no longer takes, and keeps the rotated refresh token', async () => {
    const first = await svc.accessToken(sessionId, address)
    const firstRefresh = await storedRefreshToken()
    await untilExpired(first)
    expect(await imapLogin(first)).toBe(false)

    // Several probes asking at once share one refresh (a rotated token can be used only once).
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => svc.accessToken(sessionId, address)))
    expect(a).not.toBe(first)
    expect(new Set([a, b, c]).size).toBe(1)
    expect(await imapLogin(a!)).toBe(true)
    expect(await verifyWith(svc, sessionId)).toEqual(['imap:ok', 'smtp:ok'])
    expect(await storedRefreshToken()).not.toBe(firstRefresh)
    expect((await world.oauth.introspect(await storedRefreshToken())).active).toBe(true)
    expect((await world.oauth.introspect(firstRefresh)).active).toBe(false)
  })

  it('picks the sign-in up from the keychain after a restart', async () => {
    const restarted = world.service()
    const token = await restarted.accessToken('session-from-before-the-restart', address)
    expect(await imapLogin(token)).toBe(true)
    expect(await verifyWith(restarted, 'any')).toEqual(['imap:ok', 'smtp:ok'])
  })

  it('never hands one address the token of another', async () => {
    await expect(svc.accessToken(sessionId, 'mallory@example.test')).rejects.toMatchObject({
      diagnosis: { code: 'oauth-required' }
    })
  })
})

describe('token endpoint faults', () => {
  const deps = () => ({ dns, ca: [world.pki.caPem] })

  it('reports a code the server does not know as oauth-server-error with its words', async () => {
    const err = (await requestTokens(
      `${world.oauth.issuer}/token`,
      world.oauth.clientId,
      { kind: 'code', code: 'made-up', verifier: 'v'.repeat(43), redirectUri: 'http://127.0.0.1:1/oauth/callback' },
      deps()
    ).then(
      () => ({ diagnosis: { code: 'resolved' } }),
      (e: unknown) => e
    )) as { diagnosis: { code: string; serverSays?: string } }
    expect(err.diagnosis.code).toBe('oauth-server-error')
    expect(err.diagnosis.serverSays).toMatch(/^invalid_grant/)
  })

  it('reports a refresh token the server does not honour as oauth-token-expired', async () => {
    await expect(
      requestTokens(
        `${world.oauth.issuer}/token`,
        world.oauth.clientId,
        { kind: 'refresh', refreshToken: 'revoked-or-made-up' },
        deps()
      )
    ).rejects.toMatchObject({
      diagnosis: { code: 'oauth-token-expired' }
    })
  })

  it('refuses a token endpoint over plain http before sending anything', async () => {
    await expect(
      requestTokens('http://127.0.0.1:1/token', 'x', { kind: 'refresh', refreshToken: 'r' }, deps())
    ).rejects.toMatchObject({
      diagnosis: { code: 'oauth-server-error' }
    })
  })
})
