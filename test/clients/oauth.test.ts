// OAuth through the real terminal clients. An account signed in with the browser and saved by
// the app's own path (`mail-setup verify --oauth`: Chromium signs in on the authorization
// server's pages, the save keeps the sign-in in the real keyring; the test writes nothing there)
// is exported untouched; each client gets its token from `mail-setup token <address>`, the
// command the export names, against the OAuth-only Dovecot (IMAPS, POP3S: XOAUTH2/OAUTHBEARER
// checked by introspection) and submission server (XOAUTH2 only). Access tokens live 20 s, so
// the clients' token runs refresh them for real along the way; the tests about expiry sign in
// with 6 s tokens rather than wait for a 20 s one to age.
import { realpathSync } from 'node:fs'
import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { Account, ExportFormatId } from '../../src/shared/account'
import { refreshTokenKey } from '../../src/main/oauth'
import { shQuote, slug } from '../../src/main/export/common'
import { bundledCli, cliInProcess, cliProcess, ROOT } from '../cli/process'
import { launchBrowser } from '../oauth/browser'
import { cliSigningIn } from '../oauth/cli-signin'
import { oauthAutoconfig } from '../oauth/autoconfig'
import { startOAuthWorld, type OAuthWorld } from '../oauth/setup'
import { readMailbox } from '../world'
import { run, tempDir, type RunResult } from '../export/tools'
import { emptyHome, maildirSubjects, muttRead, runAerc, screenText, uniqueSubject, withBenchHosts } from './verified'

const DOMAIN = 'oauth-clients.test'
/** The mail servers' name, as real ones have (mbsync checks the certificate by name only). */
const MAIL_HOST = `mail.${DOMAIN}`
const TTL_S = 20
/**
 * The tests that need a token within its refresh margin sign in with this lifetime: the margin
 * (a quarter of it) comes in 4.5 s instead of 15 s, and a new token still has 4.5 s before the
 * next run would refresh it again.
 */
const SHORT_TTL_S = 6
let world: OAuthWorld
let browser: Browser
let caFile: string
let wrapper: string
let hostsFile: string
let base: NodeJS.ProcessEnv

interface SignedIn {
  address: string
  account: Account
  /** The environment the user's programs run in (the app's settings, the keyring's session). */
  env: NodeJS.ProcessEnv
  exportTo(format: ExportFormatId): Promise<string>
}
const accounts = new Map<'IMAP' | 'POP3', SignedIn>()

beforeAll(async () => {
  world = await startOAuthWorld({ accessTokenTtl: TTL_S, names: [MAIL_HOST] })
  browser = await launchBrowser()
  const dir = await tempDir('oauth-clients-')
  const ispDir = join(dir, 'isp')
  await mkdir(ispDir)
  await writeFile(
    join(ispDir, `${DOMAIN}.xml`),
    oauthAutoconfig({
      domain: DOMAIN,
      displayName: 'OAuth Clients Test',
      mailHost: MAIL_HOST,
      issuer: world.oauth.issuer,
      scope: world.oauth.scope,
      servers: [
        ['imap', 993],
        ['pop3', 995],
        ['smtp', 465]
      ]
    })
  )
  caFile = join(dir, 'oauth-ca.pem')
  await writeFile(caFile, world.pki.caPem)
  // The installed command, as a packager installs it (MAIL_SETUP_COMMAND, self-command.ts): here
  // the CLI bundled from this source, in a folder whose name has a space, like /opt/Mail Setup.
  const cli = await bundledCli()
  await mkdir(join(dir, 'Mail Setup'))
  wrapper = join(dir, 'Mail Setup', 'mail-setup')
  await writeFile(wrapper, `#!/bin/sh\nMAIL_SETUP_CLI_MAIN=1 exec ${shQuote(process.execPath)} ${shQuote(cli)} "$@"\n`)
  await chmod(wrapper, 0o755)
  // The clients find the server by name through /etc/hosts (withBenchHosts); the app through DNS.
  hostsFile = join(dir, 'hosts')
  await writeFile(hostsFile, `127.0.0.1 localhost\n${world.mailHost} ${MAIL_HOST}\n`)
  const bench = inject('bench')
  base = {
    ...world.env,
    MAIL_SETUP_ISP_DIRS: ispDir,
    MAIL_SETUP_EXTRA_CA: `${bench.env.MAIL_SETUP_EXTRA_CA}:${caFile}`,
    MAIL_SETUP_POLICY: world.config.policyFile!,
    MAIL_SETUP_KEYCHAIN_SERVICE: world.config.keychainService,
    MAIL_SETUP_COMMAND: wrapper
  }
  delete base.MAIL_SETUP_PASSWORD
  for (const [kind, login] of [
    ['IMAP', `olivia@${DOMAIN}`],
    ['POP3', `pete@${DOMAIN}`]
  ] as const)
    accounts.set(kind, await signIn(login, kind === 'POP3'))
}, 90_000)
afterAll(async () => {
  await browser?.close()
  await world?.stop()
})

/** `mail-setup verify --oauth` as the user runs it; the account and its sign-in saved by the app. */
async function signIn(address: string, pop: boolean): Promise<SignedIn> {
  const env = { ...base, MAIL_SETUP_USER_DATA: await tempDir('oauth-clients-data-') }
  const args = [
    'verify',
    address,
    '--oauth',
    '--offline',
    '--name',
    'OAuth Client',
    '--json',
    ...(pop ? ['--pop'] : [])
  ]
  const r = await cliSigningIn(browser, env, args, address)
  expect(r.code, r.stderr).toBe(0)
  const { account, keychain } = (
    JSON.parse(r.stdout) as { result: { account: Account; keychain: { stored: boolean } } }
  ).result
  expect(account.authKind).toBe('oauth2')
  expect(keychain.stored).toBe(true)
  return {
    address,
    account,
    env,
    async exportTo(format) {
      const out = join(await tempDir(`oauth-${format}-`), `${format}.conf`)
      const e = await cliInProcess(['export', address, '--format', format, '--out', out], { env })
      expect(e.stderr).toMatch(/^Wrote \d+ bytes/)
      expect(e.code).toBe(0)
      return out
    }
  }
}

/** What the keychain holds for the address: the sign-in the save path (or a token run) wrote. */
async function grant(address: string): Promise<{ refreshToken: string; accessToken?: string; expiresAt?: number }> {
  return JSON.parse((await world.credentials.get(refreshTokenKey(address)))!) as {
    refreshToken: string
    accessToken?: string
    expiresAt?: number
  }
}

/** `mail-setup token` as a mail client runs it: the installed command, from an empty folder. */
async function token(v: SignedIn, address = v.address): Promise<RunResult> {
  return run(wrapper, ['token', address], { env: v.env, cwd: await tempDir('token-cwd-') })
}

async function arrived(address: string, subject: string): Promise<void> {
  // Delivery runs through the submission server into Dovecot; bounded by the test's timeout.
  for (;;) {
    if ((await readMailbox(world.dovecot.mailRoot, address)).some((m) => m.subject === subject)) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** `signIn` with access tokens of SHORT_TTL_S (this sign-in's and its refreshes'). */
async function signInShortLived(address: string): Promise<SignedIn> {
  world.oauth.setAccessTokenTtl(SHORT_TTL_S)
  try {
    return await signIn(address, false)
  } finally {
    world.oauth.setAccessTokenTtl(TTL_S)
  }
}

/** Waits until a kept access token is within its refresh margin (a quarter of its life). */
async function untilStale(address: string): Promise<void> {
  const { expiresAt } = await grant(address)
  const wait = expiresAt! - (SHORT_TTL_S * 1000) / 4 - Date.now() + 100
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
}

describe('mail-setup token', () => {
  it('prints only the access token the save path kept, from any folder, without asking the server', async () => {
    // The account signed in last: its kept token is well within its life.
    const v = accounts.get('POP3')!
    const kept = await grant(v.address)
    const r = await token(v)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${kept.accessToken}\n`)
    const info = await world.oauth.introspect(r.stdout.trim())
    expect(info).toMatchObject({ active: true, email: v.address })
    expect((await grant(v.address)).refreshToken).toBe(kept.refreshToken)
  })

  it('refreshes a token near expiry once for concurrent runs, keeping the rotated refresh token', async () => {
    const v = await signInShortLived(`quinn@${DOMAIN}`)
    const before = await grant(v.address)
    await untilStale(v.address)
    const runs = await Promise.all([token(v), token(v), token(v), token(v)])
    for (const r of runs) {
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
    }
    // One refresh: the others waited for the lock and found the new token kept.
    const printed = new Set(runs.map((r) => r.stdout))
    expect(printed.size).toBe(1)
    const fresh = [...printed][0]!.trim()
    expect(fresh).not.toBe(before.accessToken)
    expect(await world.oauth.introspect(fresh)).toMatchObject({ active: true, email: v.address })
    const after = await grant(v.address)
    expect(after.accessToken).toBe(fresh)
    // oidc-provider rotates a public client's refresh token: the kept one is the new one.
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect((await world.oauth.introspect(after.refreshToken)).active).toBe(true)
    expect((await world.oauth.introspect(before.refreshToken)).active).toBe(false)
  })

  it('without a kept sign-in: the diagnosis on stderr, exit 4, nothing on stdout', async () => {
    const v = accounts.get('IMAP')!
    const r = await token(v, `nobody@${DOMAIN}`)
    expect(r.stdout).toBe('')
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('No browser sign-in is kept for this address [oauth-required]')
    expect(r.stderr).toContain(`mail-setup verify nobody@${DOMAIN} --oauth`)
  })

  it('--json gives the token in the JSON answer', async () => {
    const v = accounts.get('IMAP')!
    const r = await cliProcess(['token', v.address, '--json'], { env: v.env, bundled: true })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as { ok: boolean; result: { accessToken: string } }
    expect(doc.ok).toBe(true)
    expect((await world.oauth.introspect(doc.result.accessToken)).active).toBe(true)
  })
})

describe('the exports name the installed command', () => {
  it.each(['msmtp', 'mutt', 'aerc', 'mbsync'] as const)('%s', async (format) => {
    const v = accounts.get('IMAP')!
    const content = await readFile(await v.exportTo(format), 'utf8')
    expect(content).toContain(`${shQuote(wrapper)} token ${v.address}`)
    expect(content).not.toMatch(/secret-tool|oauth-refresh/)
  })

  it('fetchmail is refused: Debian 12 has fetchmail 6.4, which has no OAuth sign-in', async () => {
    const v = accounts.get('IMAP')!
    const e = await cliInProcess(['export', v.address, '--format', 'fetchmail', '--json'], { env: v.env })
    expect(e.code).toBe(5)
    expect(JSON.parse(e.stdout)).toMatchObject({ error: { code: 'unsupported', params: { protocol: 'oauth2' } } })
    // The fetchmail installed here does not know OAUTHBEARER or XOAUTH2 at all.
    const version = await run('fetchmail', ['--version'])
    expect(version.stdout).toMatch(/release 6\.4\./)
    const rc = join(await tempDir('fetchmail-oauth-'), 'rc')
    await writeFile(rc, `poll ${world.mailHost} protocol IMAP auth oauthbearer user "x"\n`, { mode: 0o600 })
    const parsed = await run('fetchmail', ['-f', rc, '--configdump'])
    expect(parsed.code).not.toBe(0)
  })
})

describe('an install without MAIL_SETUP_COMMAND (the Node default, self-command.ts)', () => {
  it("names node and the app's bin/mail-setup.js by absolute paths; msmtp sends with it from any folder", async () => {
    // An npm install's layout: bin/mail-setup.js, the built out/main/cli.js, resources/, node_modules/.
    const app = realpathSync(await tempDir('installed-app-'))
    await mkdir(join(app, 'bin'))
    await mkdir(join(app, 'out', 'main'), { recursive: true })
    await copyFile(join(ROOT, 'bin', 'mail-setup.js'), join(app, 'bin', 'mail-setup.js'))
    await copyFile(await bundledCli(), join(app, 'out', 'main', 'cli.js'))
    await writeFile(join(app, 'package.json'), JSON.stringify({ type: 'module' }))
    await symlink(join(ROOT, 'resources'), join(app, 'resources'))
    await symlink(join(ROOT, 'node_modules'), join(app, 'node_modules'))
    const v = accounts.get('IMAP')!
    const env: NodeJS.ProcessEnv = { ...v.env, PATH: '/usr/bin:/bin' }
    delete env.MAIL_SETUP_COMMAND
    const path = join(await tempDir('installed-export-'), 'msmtprc')
    const bin = join(app, 'bin', 'mail-setup.js')
    const e = await run(process.execPath, [bin, 'export', v.address, '--format', 'msmtp', '--out', path], { env })
    expect(e.code, e.stderr).toBe(0)
    const content = await readFile(path, 'utf8')
    expect(content).toContain(`passwordeval "${shQuote(process.execPath)} ${shQuote(bin)} token ${v.address}"`)
    const subject = uniqueSubject('msmtp default command')
    const home = await emptyHome('msmtp-default-command')
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${caFile}`, '-t'], {
      input: `From: ${v.address}\r\nTo: ${v.address}\r\nSubject: ${subject}\r\n\r\nx\r\n`,
      env: { ...env, HOME: home },
      cwd: home
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await arrived(v.address, subject)
  })
})

describe('IMAP account, real clients', () => {
  const trust = () => ({ SSL_CERT_FILE: caFile })
  let sent = ''

  it('msmtp sends with its exported file (auth xoauth2, passwordeval runs mail-setup token)', async () => {
    const v = accounts.get('IMAP')!
    const path = await v.exportTo('msmtp')
    const subject = uniqueSubject('msmtp oauth')
    const message = `From: ${v.address}\r\nTo: ${v.address}\r\nSubject: ${subject}\r\n\r\nsent by msmtp with OAuth\r\n`
    const home = await emptyHome('msmtp-oauth')
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${caFile}`, '-t'], {
      input: message,
      env: { ...v.env, HOME: home },
      cwd: home
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await arrived(v.address, subject)
    expect(world.smtp.accepted).toContain(v.address)
    sent = subject
  })

  it('mutt sends in batch mode (smtp_oauth_refresh_command)', async () => {
    const v = accounts.get('IMAP')!
    const home = await emptyHome('mutt-oauth')
    const path = await v.exportTo('mutt')
    const subject = uniqueSubject('mutt oauth')
    const r = await withBenchHosts(
      hostsFile,
      'mutt',
      ['-n', '-F', path, '-e', `set ssl_ca_certificates_file=${caFile}`, '-s', subject, v.address],
      { input: 'sent by mutt with OAuth\n', env: { ...v.env, HOME: home }, cwd: home }
    )
    expect(r.stderr).not.toMatch(/fail|error|unable|could not/i)
    expect(r.code).toBe(0)
    await arrived(v.address, subject)
  })

  it('mutt reads the mailbox (imap_oauth_refresh_command; pushed keys copy every message out)', async () => {
    const v = accounts.get('IMAP')!
    const { run: r, mbox } = await muttRead(hostsFile, { file: await v.exportTo('mutt'), env: v.env, caFile })
    expect(r.code).toBe(0)
    expect(mbox).toContain(`Subject: ${sent}`)
  })

  it('aerc sends and reads with its exported file as ~/.config/aerc/accounts.conf', async () => {
    const v = accounts.get('IMAP')!
    const subject = uniqueSubject('aerc oauth')
    const seen = sent.slice(0, 15)
    const r = await runAerc(hostsFile, {
      file: await v.exportTo('aerc'),
      env: { ...v.env, ...trust() },
      mailto: `mailto:${v.address}?subject=${encodeURIComponent(subject)}&body=sent%20by%20aerc`,
      steps: `wait:Send this email?|y|wait:${seen}|:quit\\r|sleep1`
    })
    await arrived(v.address, subject)
    expect(screenText(r.stdout)).toContain(screenText(seen))
  })

  it("mbsync fetches from an empty home following the file's own instructions (XOAUTH2 through Cyrus SASL)", async () => {
    const v = accounts.get('IMAP')!
    const home = await emptyHome('mbsync-oauth')
    const path = await v.exportTo('mbsync')
    const content = await readFile(path, 'utf8')
    expect(content).toContain('libsasl2-modules-kdexoauth2')
    const command = /^# .*Use with: (.*?)(?:\s{2,}\(.*)?$/m.exec(content)![1]!.replace('<this file>', shQuote(path))
    const r = await withBenchHosts(hostsFile, 'sh', ['-c', command], {
      env: { ...v.env, HOME: home, ...trust() },
      cwd: home
    })
    // KDE's XOAUTH2 plugin reports its own steps on stderr ("[SASL-XOAUTH2] - Requesting token!"); nothing else.
    expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('[SASL-XOAUTH2] - '))).toEqual([])
    expect(r.code).toBe(0)
    expect(await maildirSubjects(join(home, 'Mail', slug(v.address), 'INBOX'))).toContain(sent)
  })
})

describe('POP3 account, real clients', () => {
  it('mutt reads the POP3 mailbox (pop_oauth_refresh_command)', async () => {
    const v = accounts.get('POP3')!
    const subject = uniqueSubject('pop3 oauth')
    expect(
      await world.dovecot.deliver(v.address, Buffer.from(`Subject: ${subject}\r\n\r\nfor mutt over POP3\r\n`))
    ).toBe(0)
    const { run: r, mbox } = await muttRead(hostsFile, {
      file: await v.exportTo('mutt'),
      env: v.env,
      caFile,
      pop: true
    })
    expect(r.code).toBe(0)
    expect(mbox).toContain(`Subject: ${subject}`)
  })
})

describe('a sign-in the provider withdrew', () => {
  it('token fails with oauth-token-expired (exit 4) once it must refresh, msmtp sends nothing, and the next run says to sign in again', async () => {
    const v = await signInShortLived(`rita@${DOMAIN}`)
    const path = await v.exportTo('msmtp')
    // The user (or an admin) revokes the app's access at the provider.
    expect(await world.oauth.revokeAccess(v.address)).toBeGreaterThan(0)
    await untilStale(v.address)
    const r = await token(v)
    expect(r.stdout).toBe('')
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('[oauth-token-expired]')
    const signIns = world.smtp.accepted.filter((a) => a === v.address).length
    const home = await emptyHome('msmtp-withdrawn')
    const send = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${caFile}`, '-t'], {
      input: `From: ${v.address}\r\nTo: ${v.address}\r\nSubject: never\r\n\r\nx\r\n`,
      env: { ...v.env, HOME: home },
      cwd: home
    })
    expect(send.code).not.toBe(0)
    expect(world.smtp.accepted.filter((a) => a === v.address).length).toBe(signIns)
    // The dead grant is forgotten: what is left to say is how to sign in again.
    expect(await world.credentials.get(refreshTokenKey(v.address))).toBeNull()
    const again = await token(v)
    expect(again.code).toBe(4)
    expect(again.stderr).toContain(`mail-setup verify ${v.address} --oauth`)
  })
})
