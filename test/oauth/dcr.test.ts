// OAuth for open public clients (draft-ietf-mailmaint-oauth-public) against oidc-provider with
// open registration and no client ID shipped or configured: Mail Setup registers itself
// (RFC 7591), keeps the client ID per issuer in the keychain, asks for the semantic mail scope,
// checks `iss` (RFC 9207), and signs in to Dovecot (IMAP) and SMTP with the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { oauthClientKey } from '../../src/main/credentials/entries'
import { startRedirectListener } from '../../src/main/oauth/loopback'
import { MAIL_SCOPE } from '../../src/main/oauth/registration'
import type { ServerSettings } from '../../src/shared/domain'
import type { VerifyResult } from '../../src/shared/verify'
import { launchBrowser, openPage, signInRedirect } from './browser'
import { oauthCandidate, startOAuthWorld, type OAuthWorld } from './setup'

let world: OAuthWorld
let browser: Browser

beforeAll(async () => {
  world = await startOAuthWorld({ registration: true })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await world?.stop()
})

function api() {
  const handlers = createHandlers(createServices(world.config), {
    door: 'browser',
    version: 'test',
    emit: () => undefined
  })
  return async <T>(name: string, req: unknown): Promise<T> => {
    const r = await dispatch(handlers, name, req)
    if (!r.ok) throw Object.assign(new Error(r.error.code), { diagnosis: r.error })
    return r.value as T
  }
}

const server = (protocol: 'imap' | 'smtp', port: number, address: string): ServerSettings => ({
  protocol,
  host: world.mailHost,
  port,
  security: 'tls',
  username: address,
  auth: ['oauth2']
})

describe('an issuer with a registration endpoint and no configured client ID', () => {
  it('registers once, signs in in the browser, and the token opens IMAP and SMTP', async () => {
    const address = 'dana@example.test'
    const call = api()
    // The wizard offers browser sign-in: a client ID can exist through registration.
    const named = await oauthCandidate(call, address)
    expect(await call('oauthAvailability', named)).toMatchObject({ available: true, via: 'registration' })
    expect(world.oauth.registered).toHaveLength(0)
    // The issuer autoconfig named, with no client ID: main registers one.
    const begun = await call<{ sessionId: string; authorizeUrl: string }>('oauthBegin', { runId: 'd1', ...named })
    expect(world.oauth.registered).toHaveLength(1)
    const reg = world.oauth.registered[0]!
    expect(reg).toMatchObject({
      applicationType: 'native',
      authMethod: 'none',
      redirectUris: ['http://127.0.0.1/oauth/callback']
    })
    const url = new URL(begun.authorizeUrl)
    expect(url.searchParams.get('client_id')).toBe(reg.clientId)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(['openid', 'email', MAIL_SCOPE, 'offline_access'])
    // The client ID is kept per issuer in the keychain.
    expect(JSON.parse((await world.credentials.get(oauthClientKey(world.oauth.issuer)))!)).toMatchObject({
      v: 1,
      clientId: reg.clientId
    })

    const back = await signInRedirect(await openPage(browser, begun.authorizeUrl), address)
    // oidc-provider sends iss (RFC 9207); the listener compared it with the issuer.
    expect(new URL(back.redirectUrl).searchParams.get('iss')).toBe(world.oauth.issuer)
    const done = await call<{ username?: string }>('oauthComplete', { sessionId: begun.sessionId })
    expect(done.username).toBe(address)

    const result = await call<VerifyResult>('verify', {
      runId: 'd1v',
      address,
      incoming: [server('imap', 993, address)],
      outgoing: [server('smtp', 465, address)],
      credentials: { kind: 'oauth2', sessionId: begun.sessionId }
    })
    expect(result.diagnosis).toBeUndefined()
    expect(result.probes.map((p) => `${p.settings.protocol}:${p.state}`).sort()).toEqual(['imap:ok', 'smtp:ok'])
    expect(world.smtp.accepted).toContain(address)
    const said = result.probes
      .flatMap((p) => p.transcript)
      .filter((l) => l.dir === 'c' && /AUTH/i.test(l.text))
      .map((l) => l.text)
    expect(said.join('\n')).toMatch(/XOAUTH2|OAUTHBEARER/)
  })

  it('after a restart, reuses the client ID from the keychain instead of registering again', async () => {
    const before = world.oauth.registered.length
    const call = api()
    const begun = await call<{ sessionId: string; authorizeUrl: string }>('oauthBegin', {
      runId: 'd2',
      ...(await oauthCandidate(call, 'erin@example.test'))
    })
    expect(world.oauth.registered).toHaveLength(before)
    expect(new URL(begun.authorizeUrl).searchParams.get('client_id')).toBe(world.oauth.registered[0]!.clientId)
    await call('cancel', { runId: 'd2' }).catch(() => undefined)
  })
})

describe('RFC 9207 on the loopback redirect', () => {
  const hit = async (uri: string, query: string): Promise<number> => (await fetch(`${uri}?${query}`)).status
  it('refuses an answer without iss when the server promised it, and one from another issuer', async () => {
    for (const [query, detail] of [
      ['state=s1&code=c', 'issuer missing'],
      ['state=s1&code=c&iss=https%3A%2F%2Fevil.example', 'issuer differs']
    ] as const) {
      const l = await startRedirectListener({
        state: 's1',
        issuer: world.oauth.issuer,
        requireIss: true,
        timeoutMs: 5000
      })
      expect(await hit(l.redirectUri, query)).toBe(400)
      await expect(l.result).rejects.toMatchObject({ diagnosis: { code: 'oauth-state-mismatch', detail } })
    }
    const ok = await startRedirectListener({
      state: 's1',
      issuer: world.oauth.issuer,
      requireIss: true,
      timeoutMs: 5000
    })
    expect(await hit(ok.redirectUri, `state=s1&code=c&iss=${encodeURIComponent(world.oauth.issuer)}`)).toBe(200)
    await expect(ok.result).resolves.toEqual({ code: 'c' })
  })
})
