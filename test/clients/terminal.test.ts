// Terminal clients using the exported files for real, untouched, for accounts the app verified
// and saved itself (the keyring holds what the save path wrote, nothing the test stored):
// msmtp and mutt send and the message arrives (mutt's copy in the server's Sent folder);
// fetchmail, mutt and mbsync (from an empty home, following the file's own instructions)
// fetch it; aerc, driven in a terminal, sends (its copy in Sent too) and lists the inbox.
import { chmod, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { accountEntries } from '../../src/main/credentials/entries'
import { slug } from '../../src/main/export/common'
import { readMailbox, SPECIAL_USE } from '../world'
import {
  arrived,
  benchHostsFile,
  emptyHome,
  maildirSubjects,
  muttRead,
  runAerc,
  screenText,
  uniqueSubject,
  verifiedAccount,
  withBenchHosts,
  type Verified
} from './verified'
import { run, tempDir } from '../export/tools'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
let hostsFile: string

// One username (the usual account) and two (SMTP signs in with the local part); POP3.
const ACCOUNTS = {
  'one username': { incoming: `imaps://${host}:993`, outgoing: `smtp://${host}:587` },
  'two usernames': { incoming: `imap://${host}:143`, outgoing: `smtps://${alice.login}@${host}:465` },
  POP3: { incoming: `pop3s://${host}:995`, outgoing: `smtp://${host}:587` }
} as const
type Kind = keyof typeof ACCOUNTS
const KINDS = Object.keys(ACCOUNTS) as Kind[]
const IMAP_KINDS: Kind[] = ['one username', 'two usernames']
const verified = new Map<Kind, Verified>()
const sent = new Map<Kind, string>()

beforeAll(async () => {
  const second = bench.second
  hostsFile = await benchHostsFile(bench, { [second.host]: second.address })
  for (const kind of KINDS) verified.set(kind, await verifiedAccount(bench, ACCOUNTS[kind]))
}, 60_000)

/** The trust a client needs for the bench CA: OpenSSL's default file, replaced. */
const trust = { SSL_CERT_FILE: bench.ca.file }
/** mutt (GnuTLS) reads its CA file from a variable; given on the command line, the file untouched. */
const muttTrust = ['-e', `set ssl_ca_certificates_file=${bench.ca.file}`]
const aliceMaildir = join(bench.mailRoot, bench.domain, 'alice', 'Maildir')

/** The shell command a file's header tells the user to run, with the file's path filled in. */
function instruction(content: string, path: string): string {
  const m = /^# .*Use with: (.*?)(?:\s{2,}\(.*)?$/m.exec(content)
  expect(m, 'the file says how to use it').toBeTruthy()
  return m![1]!.replace('<this file>', `'${path}'`)
}

describe.each(KINDS)('%s account', (kind) => {
  it('the save path stored exactly the entries the account has; the check found the special-use folders', () => {
    const { account } = verified.get(kind)!
    expect(accountEntries(account).map((e) => e.role)).toEqual(
      kind === 'two usernames' ? ['incoming', 'outgoing'] : ['incoming']
    )
    expect(account.folders).toEqual(kind === 'POP3' ? undefined : { ...SPECIAL_USE, separator: '.' })
  })

  it('msmtp sends with its exported file and the message arrives', async () => {
    const v = verified.get(kind)!
    const dir = await tempDir('msmtp-')
    const path = await v.exportTo('msmtp', dir)
    const subject = uniqueSubject(`msmtp ${kind}`)
    const message = `From: ${alice.address}\r\nTo: ${alice.address}\r\nSubject: ${subject}\r\n\r\nsent by msmtp with an exported file\r\n`
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], {
      input: message,
      cwd: dir,
      env: { ...v.env }
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    await arrived(bench, 'alice', subject)
    sent.set(kind, subject)
    // Nothing else written beside the file (no name ran as a command).
    expect(await readdir(dir)).toEqual([path.split('/').pop()])
  })

  it("mutt sends in batch mode with its exported file, keeping a copy in the server's Sent folder", async () => {
    const v = verified.get(kind)!
    const home = await emptyHome('mutt')
    const path = await v.exportTo('mutt', await tempDir('mutt-file-'))
    const subject = uniqueSubject(`mutt ${kind}`)
    const r = await withBenchHosts(hostsFile, 'mutt', ['-n', '-F', path, ...muttTrust, '-s', subject, alice.address], {
      input: 'sent by mutt in batch mode\n',
      env: { ...v.env, HOME: home },
      cwd: home
    })
    // mutt reports its progress on stderr; a failed copy or sign-in would be said there too.
    expect(r.stderr).not.toMatch(/fail|error|unable|could not/i)
    expect(r.code).toBe(0)
    await arrived(bench, 'alice', subject)
    if (kind !== 'POP3') expect(await maildirSubjects(join(aliceMaildir, `.${SPECIAL_USE.sent}`))).toContain(subject)
  })

  it('fetchmail fetches with its exported file saved as ~/.fetchmailrc (password from ~/.netrc, as it says)', async () => {
    const v = verified.get(kind)!
    const home = await emptyHome('fetchmail')
    const rc = join(home, '.fetchmailrc')
    await rename(await v.exportTo('fetchmail', await tempDir('fetchmail-file-')), rc)
    await chmod(rc, 0o600)
    await writeFile(join(home, '.netrc'), `machine ${host} login ${alice.address} password ${alice.password}\n`, {
      mode: 0o600
    })
    const out = join(home, 'fetched')
    const r = await withBenchHosts(hostsFile, 'fetchmail', ['--all', '--mda', `cat >> ${out}`], {
      env: { ...v.env, HOME: home, ...trust },
      cwd: home
    })
    expect(r.code, r.stderr).toBe(0)
    expect(await readFile(out, 'utf8')).toContain(`Subject: ${sent.get(kind)}`)
  })
})

// IMAP only: mbsync and aerc have no POP3 (mutt's POP3 reading is below).
describe.each(IMAP_KINDS)('%s account, IMAP', (kind) => {
  it('mutt reads the mailbox with its exported file (batch: pushed keys copy every message out)', async () => {
    const v = verified.get(kind)!
    const path = await v.exportTo('mutt', await tempDir('mutt-file-'))
    const { run: r, mbox } = await muttRead(hostsFile, { file: path, env: v.env, caFile: bench.ca.file })
    expect(r.code).toBe(0)
    expect(mbox).toMatch(/^From /)
    expect(mbox).toContain(`Subject: ${sent.get(kind)}`)
  })

  it('aerc sends and reads with its exported file as ~/.config/aerc/accounts.conf (driven in a terminal)', async () => {
    const v = verified.get(kind)!
    const subject = uniqueSubject(`aerc ${kind}`)
    const mailto = `mailto:${alice.address}?subject=${encodeURIComponent(subject)}&body=sent%20by%20aerc`
    // An 80-column message list cuts subjects at 15 characters.
    const seen = sent.get(kind)!.slice(0, 15)
    const r = await runAerc(hostsFile, {
      file: await v.exportTo('aerc', await tempDir('aerc-file-')),
      env: { ...v.env, ...trust },
      mailto,
      steps: `wait:Send this email?|y|wait:${seen}|:quit\\r|sleep1`
    })
    await arrived(bench, 'alice', subject)
    // The inbox list showed the message sent earlier.
    expect(screenText(r.stdout)).toContain(screenText(seen))
    expect(await maildirSubjects(join(aliceMaildir, `.${SPECIAL_USE.sent}`))).toContain(subject)
  })

  it("mbsync fetches the mailbox from an empty home, following the file's own instructions", async () => {
    const v = verified.get(kind)!
    const home = await emptyHome('mbsync')
    const path = await v.exportTo('mbsync', await tempDir('mbsync-file-'))
    const command = instruction(await readFile(path, 'utf8'), path)
    const r = await withBenchHosts(hostsFile, 'sh', ['-c', command], {
      env: { ...v.env, HOME: home, ...trust },
      cwd: home
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const subjects = await maildirSubjects(join(home, 'Mail', slug(alice.address), 'INBOX'))
    expect(subjects).toContain(sent.get(kind))
  })
})

describe('POP3 account, mutt', () => {
  it('mutt reads the POP3 mailbox with its exported file (pop_pass from the keychain, mail left on the server)', async () => {
    const v = verified.get('POP3')!
    const path = await v.exportTo('mutt', await tempDir('mutt-pop-file-'))
    const before = (await readMailbox(bench.mailRoot, 'alice')).length
    const { run: r, mbox } = await muttRead(hostsFile, { file: path, env: v.env, caFile: bench.ca.file, pop: true })
    expect(r.code).toBe(0)
    expect(mbox).toMatch(/^From /)
    expect(mbox.match(/^Subject: .*/gm)).toContain(`Subject: ${sent.get('POP3')}`)
    expect(mbox.match(/^Subject: .*/gm)!.length).toBeGreaterThan(1)
    // pop_delete = no, as the account keeps mail on the server.
    expect((await readMailbox(bench.mailRoot, 'alice')).length).toBeGreaterThanOrEqual(before)
  })
})

describe('without a stored password', () => {
  it('msmtp fails cleanly and sends nothing', async () => {
    const v = verified.get('one username')!
    const path = await v.exportTo('msmtp', await tempDir('msmtp-none-'))
    // The same file reading another keychain service: the entry it names is not there.
    const other = await run('sh', [
      '-c',
      `sed "s/${bench.env.MAIL_SETUP_KEYCHAIN_SERVICE}/No Such Service/" '${path}' > '${path}.other'`
    ])
    expect(other.code).toBe(0)
    const none = await withBenchHosts(
      hostsFile,
      'msmtp',
      ['-C', `${path}.other`, `--tls-trust-file=${bench.ca.file}`, '-t'],
      { input: 'To: x@bench.test\r\n\r\nx\r\n' }
    )
    expect(none.code).not.toBe(0)
  })
})

// The second implementation (Cyrus IMAP/POP3, Postfix submission), where users sign in by the
// local part: the message msmtp sends is fetched back from Cyrus by mbsync and fetchmail.
describe('against Cyrus and Postfix (one username, the local part)', () => {
  const second = bench.second
  const carol = second.users.carol
  const h = second.host
  let v: Verified
  const subject = uniqueSubject('msmtp to cyrus')

  beforeAll(async () => {
    v = await verifiedAccount(bench, {
      incoming: `imaps://${carol.login}@${h}:993`,
      outgoing: `smtp://${carol.login}@${h}:587`,
      user: carol,
      name: 'Carol'
    })
    expect(accountEntries(v.account).map((e) => e.role)).toEqual(['incoming'])
  }, 60_000)

  it('msmtp sends with its exported file', async () => {
    const path = await v.exportTo('msmtp', await tempDir('msmtp-cyrus-'))
    const message = `From: ${carol.address}\r\nTo: ${carol.address}\r\nSubject: ${subject}\r\n\r\nsent by msmtp through Postfix\r\n`
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], {
      input: message,
      env: { ...v.env }
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it("mbsync fetches the message back from Cyrus, following the file's own instructions", async () => {
    const home = await emptyHome('mbsync-cyrus')
    const path = await v.exportTo('mbsync', await tempDir('mbsync-cyrus-file-'))
    const command = instruction(await readFile(path, 'utf8'), path)
    const inbox = join(home, 'Mail', slug(carol.address), 'INBOX')
    // Postfix delivers through LMTP in its own time; each run syncs what has arrived.
    for (;;) {
      const r = await withBenchHosts(hostsFile, 'sh', ['-c', command], {
        env: { ...v.env, HOME: home, ...trust },
        cwd: home
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      if ((await maildirSubjects(inbox)).includes(subject)) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })

  it('mutt reads it from Cyrus over POP3 with a POP3 account the app verified', async () => {
    const pop = await verifiedAccount(bench, {
      incoming: `pop3s://${carol.login}@${h}:995`,
      outgoing: `smtp://${carol.login}@${h}:587`,
      user: carol,
      name: 'Carol'
    })
    expect(pop.account.incoming.protocol).toBe('pop3')
    const path = await pop.exportTo('mutt', await tempDir('mutt-cyrus-pop-'))
    // Postfix delivers through LMTP in its own time; each run reads what has arrived.
    for (;;) {
      const { run: r, mbox } = await muttRead(hostsFile, { file: path, env: pop.env, caFile: bench.ca.file, pop: true })
      expect(r.code).toBe(0)
      if (mbox.includes(`Subject: ${subject}`)) return expect(mbox).toMatch(/^From /)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })

  it('fetchmail fetches it over IMAP with its exported file saved as ~/.fetchmailrc', async () => {
    const home = await emptyHome('fetchmail-cyrus')
    const rc = join(home, '.fetchmailrc')
    await rename(await v.exportTo('fetchmail', await tempDir('fetchmail-cyrus-file-')), rc)
    await chmod(rc, 0o600)
    await writeFile(join(home, '.netrc'), `machine ${h} login ${carol.login} password ${carol.password}\n`, {
      mode: 0o600
    })
    const out = join(home, 'fetched')
    const r = await withBenchHosts(hostsFile, 'fetchmail', ['--all', '--mda', `cat >> ${out}`], {
      env: { ...v.env, HOME: home, ...trust },
      cwd: home
    })
    expect(r.code, r.stderr).toBe(0)
    expect(await readFile(out, 'utf8')).toContain(`Subject: ${subject}`)
  })
})

// The keychain unavailable when the account was saved (no Secret Service): the exports name no
// entry, since none exists, and the clients ask for the password themselves; run without a
// terminal to type it into, they stop at that question without reading any keychain. aerc has
// no such question: its file says where the user's own password command goes.
describe('saved without a keychain (secretStored: false)', () => {
  let v: Verified
  beforeAll(async () => {
    v = await verifiedAccount(bench, { ...ACCOUNTS['one username'], keychain: 'unavailable' })
  }, 60_000)

  it('msmtp, mutt, aerc, mbsync and the settings card name no keychain entry', async () => {
    const dir = await tempDir('no-keychain-')
    for (const format of ['msmtp', 'mutt', 'aerc', 'mbsync', 'card-json', 'card-markdown'] as const) {
      const content = await readFile(await v.exportTo(format, dir), 'utf8')
      // Comments aside: aerc's file says where the user's own password command goes.
      const settings = content.replace(/^#.*$/gm, '')
      expect(settings, format).not.toMatch(/secret-tool|passwordeval|PassCmd|cred-cmd|_pass|incoming:/)
    }
  })

  it('msmtp asks for the password instead of reading a keychain entry', async () => {
    const path = await v.exportTo('msmtp', await tempDir('msmtp-no-keychain-'))
    const r = await withBenchHosts(hostsFile, 'msmtp', ['-C', path, `--tls-trust-file=${bench.ca.file}`, '-t'], {
      input: `To: ${alice.address}\r\n\r\nx\r\n`,
      env: { ...v.env }
    })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/password/i)
    expect(r.stderr).not.toMatch(/secret-tool/)
  })

  it("aerc cannot sign in with the file untouched (it has no password prompt); following the file's words it reads and sends", async () => {
    const path = await v.exportTo('aerc', await tempDir('aerc-no-keychain-'))
    const untouched = await readFile(path, 'utf8')
    expect(untouched).toContain('aerc never asks for one')
    const subject = uniqueSubject('aerc no keychain')
    const mailto = `mailto:${alice.address}?subject=${encodeURIComponent(subject)}&body=sent%20by%20aerc`
    const first = await runAerc(hostsFile, {
      file: path,
      env: { ...v.env, ...trust },
      mailto,
      steps: 'sleep3|:quit\\r|sleep1'
    })
    // It connects and is refused: no keychain read, no password.
    expect(screenText(first.stdout)).toContain(screenText('imap client not connected'))
    // The user's own password store, and the file edited the way its comment says.
    const secret = join(await tempDir('aerc-password-'), 'password')
    await writeFile(secret, alice.password, { mode: 0o600 })
    const edited = join(await tempDir('aerc-no-keychain-edited-'), 'accounts.conf')
    await writeFile(
      edited,
      untouched.replace(/^# (source|outgoing)-cred-cmd = $/gm, (_l, side: string) => `${side}-cred-cmd = cat ${secret}`)
    )
    const seen = sent.get('one username')!.slice(0, 15)
    const r = await runAerc(hostsFile, {
      file: edited,
      env: { ...v.env, ...trust },
      mailto,
      steps: `wait:Send this email?|y|wait:${seen}|:quit\\r|sleep1`
    })
    await arrived(bench, 'alice', subject)
    expect(screenText(r.stdout)).toContain(screenText(seen))
  })

  it('mbsync asks for the password instead of reading a keychain entry', async () => {
    const home = await emptyHome('mbsync-no-keychain')
    const path = await v.exportTo('mbsync', await tempDir('mbsync-no-keychain-file-'))
    const r = await withBenchHosts(hostsFile, 'sh', ['-c', instruction(await readFile(path, 'utf8'), path)], {
      env: { ...v.env, HOME: home, ...trust },
      cwd: home
    })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/password/i)
    expect(r.stderr).not.toMatch(/secret-tool/)
  })
})
