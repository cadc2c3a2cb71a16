// `mail-setup verify <address> --oauth` as a user runs it: a real CLI process whose discovery
// finds an autoconfig file with an `oAuth2` element naming the test authorization server, which
// prints the sign-in URL, waits for Chromium to come back to its loopback listener, verifies the
// OAuth-only Dovecot and SMTP server with the token, and keeps the refresh token in the real
// keychain only when it saves the account.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { createServer as createTlsServer } from 'node:tls'
import { refreshTokenKey } from '../../src/main/oauth'
import { exitFor } from '../../src/shared/diagnosis-catalog'
import { cliProcess } from '../cli/process'
import { launchBrowser } from './browser'
import { cliSigningIn as signIn, type SignInRun } from './cli-signin'
import { makeTestPki, startOAuthWorld, type OAuthWorld } from './setup'
import { oauthAutoconfig } from './autoconfig'
import { keyringLocked, lockKeyring, unlockKeyring } from '../world'

const bench = inject('bench')
const DOMAIN = 'oauth-cli.test'
let world: OAuthWorld
let browser: Browser
let dir: string
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  world = await startOAuthWorld()
  browser = await launchBrowser()
  dir = mkdtempSync(join(tmpdir(), 'oauth-cli-'))
  const ispDir = join(dir, 'isp')
  mkdirSync(ispDir)
  writeFileSync(
    join(ispDir, `${DOMAIN}.xml`),
    oauthAutoconfig({
      domain: DOMAIN,
      displayName: 'OAuth CLI Test',
      mailHost: world.mailHost,
      issuer: world.oauth.issuer,
      scope: world.oauth.scope,
      servers: [
        ['imap', 993],
        ['smtp', 465]
      ]
    })
  )
  const caFile = join(dir, 'oauth-ca.pem')
  writeFileSync(caFile, world.pki.caPem)
  env = {
    ...process.env,
    ...bench.env,
    MAIL_SETUP_ISP_DIRS: ispDir,
    MAIL_SETUP_EXTRA_CA: `${bench.env.MAIL_SETUP_EXTRA_CA}:${caFile}`,
    // The administrator's policy names the app's client id at this issuer.
    MAIL_SETUP_POLICY: world.config.policyFile!,
    MAIL_SETUP_KEYCHAIN_SERVICE: world.config.keychainService,
    MAIL_SETUP_USER_DATA: join(dir, 'user-data')
  }
  delete env.MAIL_SETUP_PASSWORD
})
afterAll(async () => {
  await browser?.close()
  await world?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

type Run = SignInRun

const cliSigningIn = (args: string[], login: string): Promise<Run> => signIn(browser, env, args, login)

/** Long opaque strings (tokens, codes) in what the CLI printed, other than the URL it had to show. */
function tokenLike(run: Run): string[] {
  const printed = (run.stdout + run.stderr).replace(run.url, '')
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
  return (printed.match(/[A-Za-z0-9_+-]{32,}/g) ?? []).filter((s) => !uuid.test(s))
}

describe('mail-setup verify --oauth', () => {
  it('prints the URL, waits for the browser, verifies IMAP and SMTP with the token and saves the sign-in', async () => {
    const address = `alice@${DOMAIN}`
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    const run = await cliSigningIn(
      ['verify', address, '--oauth', '--offline', '--transcript', '--name', 'Alice'],
      address
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('Open this address in your browser to sign in')
    const url = new URL(run.url)
    expect(url.origin).toBe(world.oauth.issuer)
    expect(url.searchParams.get('client_id')).toBe(world.oauth.clientId)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(run.stdout).toMatch(/Incoming: verified IMAP/)
    expect(run.stdout).toMatch(/Outgoing: verified SMTP/)
    expect(run.stdout).toContain(
      `The sign-in (refresh token) is kept in the system keychain (service "${world.config.keychainService}")`
    )
    expect(world.smtp.accepted).toContain(address)

    // The refresh token is in the keychain after the save, and the server still honours it.
    const grant = JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as {
      refreshToken: string
      issuer: string
      clientId: string
    }
    expect(grant).toMatchObject({ issuer: world.oauth.issuer, clientId: world.oauth.clientId })
    expect((await world.oauth.introspect(grant.refreshToken)).active).toBe(true)

    // Nothing secret was printed: not the refresh token, not the code, no access token.
    const code = new URL(run.redirectUrl).searchParams.get('code')
    expect(code).toBeTruthy()
    for (const secret of [grant.refreshToken, code!]) {
      expect(run.stdout).not.toContain(secret)
      expect(run.stderr).not.toContain(secret)
    }
    expect(tokenLike(run)).toEqual([])
  })

  it('refuses --no-keychain with --oauth before opening any sign-in (the sign-in is the keychain entry)', async () => {
    const run = await cliSigningIn(
      ['verify', `carol@${DOMAIN}`, '--oauth', '--offline', '--no-keychain'],
      `carol@${DOMAIN}`
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--no-save')
    expect(run.url).toBe('')
  })

  it('with --no-save verifies but leaves nothing in the keychain', async () => {
    const address = `bob@${DOMAIN}`
    const run = await cliSigningIn(['verify', address, '--oauth', '--offline', '--no-save'], address)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Incoming: verified IMAP/)
    expect(run.stdout).toMatch(/Outgoing: verified SMTP/)
    expect(run.stdout).toContain('Not saved: the sign-in is forgotten')
    expect(await world.credentials.get(refreshTokenKey(address))).toBeNull()
    expect(tokenLike(run)).toEqual([])
  })
})

describe('mail-setup token', () => {
  it('with the keyring locked: says the keychain is locked and how to unlock it, not that nothing is kept', async () => {
    const address = `erin@${DOMAIN}`
    const run = await cliSigningIn(['verify', address, '--oauth', '--offline', '--name', 'Erin'], address)
    expect(run.code, run.stderr).toBe(0)
    await lockKeyring()
    try {
      expect(await keyringLocked()).toBe(true)
      // libsecret finds nothing in a locked collection; the command must not take that for "no sign-in".
      const locked = await cliProcess(['token', address], { env, bundled: true })
      expect(locked.stdout).toBe('')
      expect(locked.code).toBe(exitFor('keychain-locked'))
      expect(locked.stderr).toContain('The keychain is locked [keychain-locked]')
      expect(locked.stderr).toContain(`cannot read the browser sign-in kept for ${address}`)
      expect(locked.stderr).toContain('unlock "Login" in Passwords and Keys')
      expect(locked.stderr).toContain('pam_gnome_keyring')
      expect(locked.stderr).not.toContain('No browser sign-in is kept')
      const json = await cliProcess(['token', address, '--json'], { env, bundled: true })
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'keychain-locked' } })
    } finally {
      if (await keyringLocked()) await unlockKeyring()
    }
    // The sign-in was there all along: unlocked, the same command prints a token the server takes.
    const open = await cliProcess(['token', address], { env, bundled: true })
    expect(open.code, open.stderr).toBe(0)
    expect((await world.oauth.introspect(open.stdout.trim())).active).toBe(true)
    // And an address with no sign-in, unlocked, is still "nothing kept".
    const none = await cliProcess(['token', `nobody@${DOMAIN}`], { env, bundled: true })
    expect(none.code).toBe(exitFor('oauth-required'))
    expect(none.stderr).toContain('No browser sign-in is kept for this address [oauth-required]')
  })

  // Last in the file: it takes the authorization server's address for a server that never answers.
  it('a token endpoint that accepts and never answers: a timeout diagnosis once its deadline has passed', async () => {
    const address = `dave@${DOMAIN}`
    // A sign-in the app saves, with an access token short enough to need a refresh soon.
    world.oauth.setAccessTokenTtl(2)
    const run = await cliSigningIn(['verify', address, '--oauth', '--offline', '--name', 'Dave'], address).finally(() =>
      world.oauth.setAccessTokenTtl(600)
    )
    expect(run.code, run.stderr).toBe(0)
    // Until the server no longer takes the kept access token (the app then has to refresh).
    const kept = JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as { accessToken?: string }
    const active = async (): Promise<boolean> =>
      kept.accessToken !== undefined && (await world.oauth.introspect(kept.accessToken)).active
    for (let i = 0; i < 100 && (await active()); i++) await new Promise((r) => setTimeout(r, 100))
    expect(await active()).toBe(false)

    // The token endpoint's address now belongs to a server that completes TLS, reads the request
    // and never answers.
    const { hostname, port } = new URL(world.oauth.issuer)
    await world.oauth.close()
    const pki = await makeTestPki([hostname])
    const requests: string[] = []
    const silent = createTlsServer({ cert: pki.certPem, key: pki.keyPem }, (socket) => {
      socket.on('data', (d: Buffer) => requests.push(d.toString('latin1')))
      socket.on('error', () => undefined)
    })
    await new Promise<void>((resolve) => silent.listen(Number(port), hostname, resolve))
    try {
      const deadline = 2
      const started = Date.now()
      const res = await cliProcess(['token', address, '--deadline', String(deadline), '--json'], {
        env,
        bundled: true
      })
      const took = Date.now() - started
      expect(res.stdout.length).toBeGreaterThan(0)
      expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, error: { code: 'timeout', protocol: 'oauth' } })
      expect(res.code).toBe(exitFor('timeout'))
      // It asked (the refresh reached the silent server) and gave up at its deadline, not before.
      expect(requests.join('')).toMatch(/^POST \/token/)
      expect(took).toBeGreaterThanOrEqual(deadline * 1000)
      // Its bound: the deadline plus the process's own start and end; without the command's deadline
      // the token request's own limit (15 s) would end it, also as a timeout, but later than this.
      expect(took).toBeLessThan(deadline * 1000 + 10_000)
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})
