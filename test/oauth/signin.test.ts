// The whole OAuth2 sign-in against real parts: oidc-provider's real sign-in page in Chromium,
// the code exchange in main, and Dovecot (IMAP, POP3) and an SMTP server accepting the token
// only after introspecting it at the authorization server. Faults: state mismatch, the user
// cancelling or closing the browser, access revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import type { Browser } from 'playwright-core'
import { createHandlers, dispatch, type DoorHooks } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { refreshTokenKey } from '../../src/main/oauth'
import { createCredentialStore } from '../../src/main/credentials/store'
import type { ServerSettings } from '../../src/shared/domain'
import type { EventName, EventPayload, Result } from '../../src/shared/api'
import type { RoundTripResult, VerifyResult } from '../../src/shared/verify'
import { launchBrowser, openPage, signIn } from './browser'
import { oauthCandidate, startOAuthWorld, type OAuthWorld } from './setup'
import { codeOf } from '../expect/diagnosis'
import { AppError } from '../../src/main/errors'

let world: OAuthWorld
let browser: Browser

beforeAll(async () => {
  world = await startOAuthWorld()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await world?.stop()
})

const servers = (address: string) => ({
  incoming: [
    { protocol: 'imap', host: world.mailHost, port: 993, security: 'tls', username: address, auth: ['oauth2'] },
    { protocol: 'pop3', host: world.mailHost, port: 995, security: 'tls', username: address, auth: ['oauth2'] }
  ] satisfies ServerSettings[],
  outgoing: [
    { protocol: 'smtp', host: world.mailHost, port: 465, security: 'tls', username: address, auth: ['oauth2'] }
  ] satisfies ServerSettings[]
})

function door(
  kind: 'browser' | 'window',
  openExternal?: (url: string) => Promise<boolean>,
  services = createServices(world.config)
) {
  const events: Array<EventPayload<'oauth'>> = []
  const hooks: DoorHooks = {
    door: kind,
    version: 'test',
    emit<K extends EventName>(event: K, payload: EventPayload<K>) {
      if (event === 'oauth') events.push(payload as EventPayload<'oauth'>)
    },
    openExternal
  }
  const handlers = createHandlers(services, hooks)
  const call = async <T>(name: string, req: unknown): Promise<T> => {
    const r = (await dispatch(handlers, name, req)) as Result<T>
    if (!r.ok) throw new AppError(r.error)
    return r.value
  }
  return { handlers, events, call }
}

function refused(uri: string): Promise<boolean> {
  const { hostname, port } = new URL(uri)
  return new Promise((resolve) => {
    const s = connect({ host: hostname, port: Number(port) })
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })
}

type Begin = { sessionId: string; authorizeUrl: string; openedByMain: boolean }

describe('OAuth2 sign-in to real mail servers', () => {
  it('refuses a request that carries OAuth2 settings: main reads them from the session it found them in', async () => {
    const { call } = door('browser')
    const named = await oauthCandidate(call, 'zoe@example.test')
    expect(await codeOf(() => call('oauthBegin', { runId: 'r-zoe', ...named, oauth2: world.oauth2 }))).toBe('internal')
    expect(await codeOf(() => call('oauthAvailability', { ...named, providerId: 'google' }))).toBe('internal')
    expect(await call('oauthAvailability', named)).toMatchObject({ available: true, via: 'policy' })
  })

  it('signs in through the API (browser mode) and verifies IMAP, POP3 and SMTP with the token', async () => {
    const address = 'alice@example.test'
    const { call, events } = door('browser')
    const begun = await call<Begin>('oauthBegin', { runId: 'r-alice', ...(await oauthCandidate(call, address)) })
    expect(begun.openedByMain).toBe(false)
    const page = await openPage(browser, begun.authorizeUrl)
    expect(await signIn(page, address)).toContain('You can close this tab')
    const done = await call<{ sessionId: string; username?: string }>('oauthComplete', { sessionId: begun.sessionId })
    expect(done.username).toBe(address)
    expect(events.map((e) => e.state)).toEqual(['waiting', 'exchanging', 'done'])

    const credentials = { kind: 'oauth2', sessionId: begun.sessionId }
    const { incoming, outgoing } = servers(address)
    const result = await call<VerifyResult & { sessionId: string }>('verify', {
      runId: 'v-alice',
      address,
      incoming: [incoming[0]],
      outgoing,
      credentials
    })
    expect(result.probes.map((p) => `${p.settings.protocol}:${p.state}`).sort()).toEqual(['imap:ok', 'smtp:ok'])
    expect(result.diagnosis).toBeUndefined()
    expect(world.smtp.accepted).toContain(address)
    // POP3 on its own (with IMAP in the same list, the ranked verification stops at IMAP).
    const pop = await call<VerifyResult>('verify', {
      runId: 'v-alice-pop',
      address,
      incoming: [incoming[1]],
      outgoing: [],
      credentials
    })
    expect(JSON.stringify(pop.probes.map((p) => [p.state, p.diagnosis]))).toBe('[["ok",null]]')
    expect(pop.incoming?.state).toBe('ok')
    expect(pop.incoming?.authMechanisms).toEqual(expect.arrayContaining(['XOAUTH2', 'OAUTHBEARER']))

    // Signed in and verified, but not saved: nothing in the keychain yet.
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    // Saving the account puts the refresh token there; no token leaks into what the renderer sees.
    // Main builds the account from the session that verified with the token: an OAuth account.
    const saved = await call<{
      account: { id: string; authKind: string; verifiedAt?: string }
      keychain: { stored: boolean; code?: string }
    }>('saveAccount', {
      sessionId: result.sessionId,
      displayName: 'Alice',
      storePassword: false
    })
    expect(saved.account.authKind).toBe('oauth2')
    expect(saved.keychain).toEqual({ stored: true, service: world.config.keychainService })
    const stored = JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as {
      refreshToken: string
      issuer: string
    }
    expect(stored.issuer).toBe(world.oauth.issuer)
    expect((await world.oauth.introspect(stored.refreshToken)).active).toBe(true)
    for (const seen of [result, pop, done, saved]) expect(JSON.stringify(seen)).not.toContain(stored.refreshToken)
    // Typed servers carry no oAuth2 block (as a provider known only by id): the account still
    // records its sign-in; saved again from the same session, it is the same account.
    const bare = await call<{ account: { id: string; oauth2?: { issuer: string; scope: string } } }>('saveAccount', {
      sessionId: result.sessionId,
      displayName: 'Alice',
      storePassword: false
    })
    expect(bare.account.id).toBe(saved.account.id)
    expect(bare.account.oauth2?.issuer).toBe(stored.issuer)
    expect(bare.account.oauth2?.scope).toBeTruthy()
    const auth = result.probes.flatMap((p) => p.transcript).filter((l) => l.dir === 'c' && /AUTH/i.test(l.text))
    expect(auth.length).toBeGreaterThan(0)
    for (const line of auth) expect(line.text).not.toMatch(/[A-Za-z0-9+/=]{40,}/)

    // After a restart (no sign-in in memory), saving the same servers unchecked reports what the keychain holds.
    const restarted = door('browser')
    const saveUnchecked = async (who: string) => {
      const { sessionId } = await restarted.call<{ sessionId: string }>('plan', {
        address: who,
        incoming: [incoming[0]],
        outgoing
      })
      return restarted.call<{ account: { verifiedAt?: string }; keychain: { stored: boolean; code?: string } }>(
        'saveAccount',
        { sessionId, storePassword: false, unchecked: true, authKind: 'oauth2' }
      )
    }
    const again = await saveUnchecked(address)
    expect(again.keychain).toMatchObject({ stored: true })
    // The same servers as the account checked before: it stays verified (accounts/store.ts).
    expect(saved.account.verifiedAt).toBeTruthy()
    expect(again.account.verifiedAt).toBe(saved.account.verifiedAt)
    const never = await saveUnchecked('nobody@example.test')
    expect(never.keychain).toMatchObject({ stored: false, code: 'oauth-required' })
  })

  it('keeps nothing for a wizard abandoned after sign-in: the token lived in memory only', async () => {
    const address = 'oscar@example.test'
    const { call } = door('browser')
    const begun = await call<Begin>('oauthBegin', { runId: 'r-oscar', ...(await oauthCandidate(call, address)) })
    await signIn(await openPage(browser, begun.authorizeUrl), address)
    await call('oauthComplete', { sessionId: begun.sessionId })
    const credentials = { kind: 'oauth2', sessionId: begun.sessionId }
    const { incoming } = servers(address)
    expect(
      (
        await call<VerifyResult>('verify', {
          runId: 'v-oscar',
          address,
          incoming: [incoming[0]],
          outgoing: [],
          credentials
        })
      ).incoming?.state
    ).toBe('ok')
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    // The app closes without saving; the next start has no sign-in for this address.
    const restarted = door('browser')
    const after = await restarted.call<VerifyResult>('verify', {
      runId: 'v-oscar-2',
      address,
      incoming: [incoming[0]],
      outgoing: [],
      credentials
    })
    expect(after.diagnosis?.code).toBe('oauth-required')
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
  })

  it('keeps the account when the keychain fails on save, and says why; the sign-in still works this session', async () => {
    const address = 'peggy@example.test'
    const services = createServices(world.config)
    // The keychain as on a system without keytar's native module.
    services.credentials = createCredentialStore(world.config.keychainService, {
      load: () => Promise.reject(new Error('keytar.node: cannot open shared object file'))
    })
    const { call } = door('browser', undefined, services)
    const begun = await call<Begin>('oauthBegin', { runId: 'r-peggy', ...(await oauthCandidate(call, address)) })
    await signIn(await openPage(browser, begun.authorizeUrl), address)
    await call('oauthComplete', { sessionId: begun.sessionId })
    const { incoming, outgoing } = servers(address)
    const credentials = { kind: 'oauth2', sessionId: begun.sessionId }
    const checked = await call<VerifyResult & { sessionId: string }>('verify', {
      runId: 'v-peggy-0',
      address,
      incoming: [incoming[0]],
      outgoing,
      credentials
    })
    const saved = await call<{ account: { id: string }; keychain: { stored: boolean; code?: string } }>('saveAccount', {
      sessionId: checked.sessionId,
      displayName: 'Peggy',
      storePassword: false
    })
    expect(saved.keychain).toMatchObject({
      stored: false,
      code: 'keychain-unavailable',
      service: world.config.keychainService,
      params: { context: 'module' }
    })
    const { accounts } = await call<{ accounts: Array<{ id: string; authKind: string; secretStored?: boolean }> }>(
      'listAccounts',
      {}
    )
    // Saved, and marked as saved without its sign-in (docs/formats.md).
    expect(accounts.find((a) => a.id === saved.account.id)).toMatchObject({ authKind: 'oauth2', secretStored: false })
    expect(
      (
        await call<VerifyResult>('verify', {
          runId: 'v-peggy',
          address,
          incoming: [incoming[0]],
          outgoing,
          credentials
        })
      ).diagnosis
    ).toBeUndefined()
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
  })

  it('does the send-then-fetch round trip with the token, as with a password', async () => {
    const address = 'bob@example.test'
    const { call } = door('browser')
    const begun = await call<Begin>('oauthBegin', { runId: 'r-bob', ...(await oauthCandidate(call, address)) })
    await signIn(await openPage(browser, begun.authorizeUrl), address)
    await call('oauthComplete', { sessionId: begun.sessionId })
    const { incoming, outgoing } = servers(address)
    const checked = await call<VerifyResult & { sessionId: string }>('verify', {
      runId: 'v-bob',
      address,
      incoming: [incoming[0]],
      outgoing,
      credentials: { kind: 'oauth2', sessionId: begun.sessionId }
    })
    // The round trip goes through the servers and the sign-in the session verified.
    const result = await call<RoundTripResult>('roundTrip', { runId: 'rt-bob', sessionId: checked.sessionId })
    expect(result.diagnosis).toBeUndefined()
    expect(result.ok).toBe(true)
    expect(result.messageId).toMatch(/^<mail-setup-test-/)
    expect(result.deliveredMs).toBeGreaterThanOrEqual(0)

    // Saved as an OAuth account, then removed: its refresh token leaves the keychain too.
    const saved = await call<{ account: { id: string } }>('saveAccount', {
      sessionId: checked.sessionId,
      displayName: 'Bob',
      storePassword: false
    })
    const { refreshToken } = JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as {
      refreshToken: string
    }
    expect((await world.oauth.introspect(refreshToken)).active).toBe(true)
    await call('removeAccount', { id: saved.account.id, removeSecret: true })
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    // ...and the grant is withdrawn at the authorization server (RFC 7009).
    expect((await world.oauth.introspect(refreshToken)).active).toBe(false)
    const after = await call<VerifyResult>('verify', {
      runId: 'v-bob-gone',
      address,
      incoming: [incoming[0]],
      outgoing: [],
      credentials: { kind: 'oauth2', sessionId: begun.sessionId }
    })
    expect(after.diagnosis?.code).toBe('oauth-required')
  })

  it('opens the system browser itself in the window', async () => {
    const address = 'carol@example.test'
    let opened = ''
    const { call } = door('window', async (url) => {
      opened = url
      void openPage(browser, url).then((page) => signIn(page, address))
      return true
    })
    const begun = await call<Begin>('oauthBegin', { runId: 'r-carol', ...(await oauthCandidate(call, address)) })
    expect(begun.openedByMain).toBe(true)
    expect(opened).toBe(begun.authorizeUrl)
    const done = await call<{ username?: string }>('oauthComplete', { sessionId: begun.sessionId })
    expect(done.username).toBe(address)
  })

  it('diagnoses a password on a server that offers only OAuth2 as oauth-required', async () => {
    const address = 'dave@example.test'
    const { call } = door('browser')
    const result = await call<VerifyResult>('verify', {
      runId: 'v-dave',
      address,
      incoming: servers(address)
        .incoming.slice(0, 1)
        .map((s) => ({ ...s, auth: ['password-cleartext'] })),
      outgoing: [],
      credentials: { kind: 'password', password: 'not-a-token-1234' }
    })
    expect(result.diagnosis?.code).toBe('oauth-required')
  })

  // The server echoes whatever state the browser carried: a changed or dropped state in the
  // request comes back changed or missing, as a forged or stale answer would.
  for (const [label, change] of [
    ['changed', (u: URL) => u.searchParams.set('state', 'forged-state-value')],
    ['missing', (u: URL) => u.searchParams.delete('state')]
  ] as const) {
    it(`refuses an answer whose state is ${label}, keeps waiting for the real one, and keeps nothing`, async () => {
      const address = `erin-${label}@example.test`
      const { call } = door('browser')
      const begun = await call<Begin>('oauthBegin', {
        runId: `r-erin-${label}`,
        ...(await oauthCandidate(call, address))
      })
      const url = new URL(begun.authorizeUrl)
      const redirectUri = url.searchParams.get('redirect_uri')!
      change(url)
      expect(await signIn(await openPage(browser, url.href), address)).toContain('Sign-in not accepted')
      // A stray answer does not end the sign-in (anyone on this computer could send one): the
      // loopback still listens for the real answer until the user gives up.
      expect(await refused(redirectUri)).toBe(false)
      expect(await call<{ cancelled: boolean }>('cancel', { runId: `r-erin-${label}` })).toEqual({ cancelled: true })
      expect(await codeOf(call('oauthComplete', { sessionId: begun.sessionId }))).toBe('oauth-cancelled')
      expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
      const verifying = call('verify', {
        runId: `v-erin-${label}`,
        address,
        ...servers(address),
        credentials: { kind: 'oauth2', sessionId: begun.sessionId }
      })
      expect(await codeOf(verifying)).toBe('resolved')
      // The failed sign-in left no session: verifying asks for a sign-in.
      expect(((await verifying) as VerifyResult).diagnosis?.code).toBe('oauth-required')
    })
  }

  it('reports the user cancelling on the sign-in page as oauth-denied', async () => {
    const address = 'frank@example.test'
    const { call } = door('browser')
    const begun = await call<Begin>('oauthBegin', { runId: 'r-frank', ...(await oauthCandidate(call, address)) })
    const page = await openPage(browser, begun.authorizeUrl)
    await page.click('text=[ Cancel ]')
    await page.waitForURL(/127\.0\.0\.1:\d+\/oauth\/callback/)
    expect(await page.textContent('body')).toContain('Nothing was changed')
    await page.context().close()
    expect(await codeOf(call('oauthComplete', { sessionId: begun.sessionId }))).toBe('oauth-denied')
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
  })

  it('gives up with oauth-cancelled when the user closes the browser, with nothing half-saved', async () => {
    const address = 'grace@example.test'
    const svc = world.service({ redirectTimeoutMs: 1500 })
    const begun = await svc.begin({ address, oauth2: world.oauth2 })
    const page = await openPage(browser, begun.authorizeUrl)
    await page.fill('input[name=password]', 'typed but never sent')
    await page.context().close()
    expect(await codeOf(svc.complete(begun.sessionId))).toBe('oauth-cancelled')
    expect(await refused(begun.redirectUri)).toBe(true)
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    expect(await codeOf(svc.accessToken(begun.sessionId, address))).toBe('oauth-required')
  })

  it('stops waiting when the run is cancelled through the API', async () => {
    const { call } = door('browser')
    const begun = await call<Begin>('oauthBegin', {
      runId: 'r-heidi',
      ...(await oauthCandidate(call, 'heidi@example.test'))
    })
    const redirectUri = new URL(begun.authorizeUrl).searchParams.get('redirect_uri')!
    expect(await call<{ cancelled: boolean }>('cancel', { runId: 'r-heidi' })).toEqual({ cancelled: true })
    expect(await codeOf(call('oauthComplete', { sessionId: begun.sessionId }))).toBe('oauth-cancelled')
    expect(await refused(redirectUri)).toBe(true)
    expect(await world.credentials.get(refreshTokenKey('heidi@example.test'))).toBeNull()
  })

  it('after access is revoked: the mail server refuses the token, then the refresh asks to sign in again', async () => {
    const address = 'ivan@example.test'
    let now = Date.now()
    const svc = world.service({ now: () => now })
    const begun = await svc.begin({ address, oauth2: world.oauth2 })
    await signIn(await openPage(browser, begun.authorizeUrl), address)
    await svc.complete(begun.sessionId)
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    expect(await svc.keep(address)).toMatchObject({ stored: true })
    expect(await world.credentials.get(refreshTokenKey(address))).not.toBeNull()
    expect(await world.oauth.revokeAccess(address)).toBeGreaterThan(0)

    const { verify } = await import('../../src/main/verify')
    const ctx = {
      dns: (await import('../../src/main/net/dns')).createDns({ dnsServers: [] }),
      ca: [world.pki.caPem],
      signal: new AbortController().signal,
      onProbe: () => undefined
    }
    for (const server of [...servers(address).incoming, ...servers(address).outgoing]) {
      const incoming = server.protocol === 'smtp' ? [] : [server]
      const outgoing = server.protocol === 'smtp' ? [server] : []
      const r = await verify(
        { address, incoming, outgoing, secret: svc.secret(begun.sessionId, address), exceptions: [] },
        ctx
      )
      expect(`${server.protocol}:${r.diagnosis?.code}`).toBe(`${server.protocol}:oauth-token-refused`)
    }

    // Once the access token is due, the refresh is refused too: sign in again, nothing stale kept.
    now += 3600_000
    expect(await codeOf(svc.accessToken(begun.sessionId, address))).toBe('oauth-token-expired')
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    expect(await codeOf(svc.accessToken(begun.sessionId, address))).toBe('oauth-required')
  })
})
