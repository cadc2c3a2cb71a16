// The exported files used by the real clients against the bench: msmtp sends through
// Dovecot's submission service and mbsync downloads the mailbox over IMAP, each with the
// password its command reads from the real keyring. The clients resolve names through
// /etc/hosts, so each runs in its own mount namespace with a hosts file for bench.test.
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { createCredentialStore } from '../../src/main/credentials/store'
import { keyFor, slug, type ExportOptions } from '../../src/main/export/common'
import { readMailbox } from '../bench'
import { account, server } from './fixtures'
import { run, saved, tempDir, type RunResult } from './tools'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
const opts: ExportOptions = { keychainService: `${bench.env.MAIL_SETUP_KEYCHAIN_SERVICE} ${randomBytes(4).toString('hex')}`, platform: 'linux' }
const store = createCredentialStore(opts.keychainService, { timeoutMs: 15_000 })

const benchAccount = (over: Partial<Account> = {}): Account =>
  account({
    id: `bench-${randomBytes(3).toString('hex')}`,
    address: alice.address,
    displayName: 'Alice "Bench" $(touch PWNED)',
    incoming: server({ protocol: 'imap', host, port: bench.ports.imaps, security: 'tls', username: alice.address }),
    outgoing: server({ protocol: 'smtp', host, port: bench.ports.submission, security: 'starttls', username: alice.address }),
    ...over
  })

let hostsFile: string
const keys: string[] = []

beforeAll(async () => {
  const dir = await tempDir('bench-hosts-')
  hostsFile = join(dir, 'hosts')
  await writeFile(hostsFile, `127.0.0.1 localhost\n${Object.entries(bench.hosts).map(([name, ip]) => `${ip} ${name}`).join('\n')}\n`)
})
afterAll(async () => {
  for (const key of keys) await store.remove(key)
})

async function storePassword(a: Account): Promise<void> {
  for (const role of ['incoming', 'outgoing'] as const) {
    const key = keyFor(a, role)
    keys.push(key)
    expect((await store.save(key, alice.password)).stored).toBe(true)
  }
}

/** Runs a client with bench.test names resolving to the bench (private /etc/hosts). */
function withBenchHosts(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<RunResult> {
  const script = 'mount --bind "$0" /etc/hosts && exec "$@"'
  return run('unshare', ['--mount', 'sh', '-c', script, hostsFile, cmd, ...args], options)
}

async function waitForMessage(user: string, subject: string): Promise<void> {
  // Delivery runs through the relay sink into Dovecot; bounded by the test's own timeout.
  for (;;) {
    if ((await readMailbox(bench.mailRoot, user)).some((m) => m.subject === subject)) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('exported files against the bench', () => {
  const subject = `export bench ${randomBytes(4).toString('hex')}`

  it.each([
    ['STARTTLS on 587', bench.ports.submission, 'starttls'],
    ['implicit TLS on 465', bench.ports.submissions, 'tls']
  ] as const)('msmtp sends (%s) with the password from the keyring', async (_n, port, security) => {
    const a = benchAccount({ outgoing: server({ protocol: 'smtp', host, port, security, username: alice.address }) })
    await storePassword(a)
    const { path, dir } = await saved(a, 'msmtp', opts)
    const subj = `${subject} ${port}`
    const message = `From: ${alice.address}\r\nTo: ${alice.address}\r\nSubject: ${subj}\r\n\r\nsent by msmtp with an exported file\r\n`
    const r = await withBenchHosts('msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], { input: message, cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await waitForMessage('alice', subj)
    expect(await readdir(dir)).toEqual([path.split('/').pop()])
  })

  it('msmtp fails cleanly when the keyring has no password for the account', async () => {
    const a = benchAccount({ address: 'nobody-stored@bench.test', outgoing: server({ protocol: 'smtp', host, port: bench.ports.submission, security: 'starttls', username: 'nobody-stored@bench.test' }) })
    const { path } = await saved(a, 'msmtp', opts)
    const r = await withBenchHosts('msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], { input: 'To: x@bench.test\r\n\r\nx\r\n' })
    expect(r.code).not.toBe(0)
  })

  it.each([
    ['IMAPS on 993', bench.ports.imaps, 'tls'],
    ['STARTTLS on 143', bench.ports.imap, 'starttls']
  ] as const)('mbsync downloads the mailbox (%s) with the password from the keyring', async (_n, port, security) => {
    const a = benchAccount({ incoming: server({ protocol: 'imap', host, port, security, username: alice.address }) })
    await storePassword(a)
    const { path } = await saved(a, 'mbsync', opts)
    const home = await tempDir('mbsync-home-')
    const name = slug(a.address)
    await mkdir(join(home, 'Mail', name), { recursive: true })
    // isync takes its trust store from OpenSSL's defaults, which SSL_CERT_FILE replaces.
    const env = { ...process.env, HOME: home, SSL_CERT_FILE: bench.ca.file }
    const r = await withBenchHosts('mbsync', ['-c', path, name], { env, cwd: home })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const inbox = join(home, 'Mail', name, 'INBOX')
    const files = [...(await readdir(join(inbox, 'cur'))), ...(await readdir(join(inbox, 'new')))]
    const subjects = await Promise.all(files.map(async (f) => /^Subject: (.*)$/m.exec(await readFile(join(inbox, (await readdir(join(inbox, 'cur'))).includes(f) ? 'cur' : 'new', f), 'utf8'))?.[1]?.trim()))
    expect(subjects).toContain(`${subject} ${bench.ports.submission}`)
  })
})
