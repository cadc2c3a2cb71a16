// Terminal clients using the exported files for real, untouched, for accounts the app verified
// and saved itself (the keyring holds what the save path wrote, nothing the test stored):
// msmtp sends and the message arrives; mbsync fetches it from an empty home following the
// file's own instructions.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { accountEntries } from '../../src/main/credentials/entries'
import { slug } from '../../src/main/export/common'
import { arrived, benchHostsFile, emptyHome, maildirSubjects, uniqueSubject, verifiedAccount, withBenchHosts, type Verified } from './world'
import { run, tempDir } from '../export/tools'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
let hostsFile: string

// One username (the usual account) and two (SMTP signs in with the local part).
const ACCOUNTS = {
  'one username': { incoming: `imaps://${host}:993`, outgoing: `smtp://${host}:587` },
  'two usernames': { incoming: `imap://${host}:143`, outgoing: `smtps://${alice.login}@${host}:465` }
} as const
type Kind = keyof typeof ACCOUNTS
const KINDS = Object.keys(ACCOUNTS) as Kind[]
const verified = new Map<Kind, Verified>()
const sent = new Map<Kind, string>()

beforeAll(async () => {
  hostsFile = await benchHostsFile(bench)
  for (const kind of KINDS) verified.set(kind, await verifiedAccount(bench, ACCOUNTS[kind]))
}, 60_000)

/** The trust a client needs for the bench CA: OpenSSL's default file, replaced. */
const trust = { SSL_CERT_FILE: bench.ca.file }

/** The shell command a file's header tells the user to run, with the file's path filled in. */
function instruction(content: string, path: string): string {
  const m = /^# .*Use with: (.*?)(?:\s{2,}\(.*)?$/m.exec(content)
  expect(m, 'the file says how to use it').toBeTruthy()
  return m![1]!.replace('<this file>', `'${path}'`)
}

describe.each(KINDS)('%s account', (kind) => {
  it('the save path stored exactly the entries the account has', () => {
    const entries = accountEntries(verified.get(kind)!.account).map((e) => e.role)
    expect(entries).toEqual(kind === 'one username' ? ['incoming'] : ['incoming', 'outgoing'])
  })

  it('msmtp sends with its exported file and the message arrives', async () => {
    const v = verified.get(kind)!
    const dir = await tempDir('msmtp-')
    const path = await v.exportTo('msmtp', dir)
    const subject = uniqueSubject(`msmtp ${kind}`)
    const message = `From: ${alice.address}\r\nTo: ${alice.address}\r\nSubject: ${subject}\r\n\r\nsent by msmtp with an exported file\r\n`
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], { input: message, cwd: dir, env: { ...v.env } })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await arrived(bench, 'alice', subject)
    sent.set(kind, subject)
    // Nothing else written beside the file (no name ran as a command).
    expect(await readdir(dir)).toEqual([path.split('/').pop()])
  })

  it('mbsync fetches the mailbox from an empty home, following the file\'s own instructions', async () => {
    const v = verified.get(kind)!
    const home = await emptyHome('mbsync')
    const path = await v.exportTo('mbsync', await tempDir('mbsync-file-'))
    const command = instruction(await readFile(path, 'utf8'), path)
    const r = await withBenchHosts(hostsFile, 'sh', ['-c', command], { env: { ...v.env, HOME: home, ...trust }, cwd: home })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const subjects = await maildirSubjects(join(home, 'Mail', slug(alice.address), 'INBOX'))
    expect(subjects).toContain(sent.get(kind))
  })
})

describe('without a stored password', () => {
  it('msmtp fails cleanly and sends nothing', async () => {
    const v = verified.get('one username')!
    const path = await v.exportTo('msmtp', await tempDir('msmtp-none-'))
    // The same file reading another keychain service: the entry it names is not there.
    const other = await run('sh', ['-c', `sed "s/${bench.env.MAIL_SETUP_KEYCHAIN_SERVICE}/No Such Service/" '${path}' > '${path}.other'`])
    expect(other.code).toBe(0)
    const none = await withBenchHosts(hostsFile, 'msmtp', ['-C', `${path}.other`, `--tls-trust-file=${bench.ca.file}`, '-t'], { input: 'To: x@bench.test\r\n\r\nx\r\n' })
    expect(none.code).not.toBe(0)
  })
})
