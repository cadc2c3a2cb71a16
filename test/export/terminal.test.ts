// Terminal clients, each checked by its own parser: msmtp --pretend, mbsync's config check,
// fetchmail --configdump, mutt -Q; aerc and Claws Mail by their parsing rules. Password
// commands are run for real against the bench's keyring: they must print the password
// saveAccount's own writer (savePassword) stored, and a hostile name must never run as a command.
import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { accountEntries, entryFor, removePasswords, savePassword } from '../../src/main/credentials/entries'
import { createCredentialStore } from '../../src/main/credentials/store'
import { displayName, urlUser, type ExportOptions } from '../../src/main/export/common'
import { hostileAccount, imapAccount, popAccount } from './fixtures'
import { mailboxName, readClaws, readGoIni } from './readers'
import { run, saved, tempDir, text } from './tools'

const opts: ExportOptions = {
  keychainService: `Mail Setup Export ${randomBytes(4).toString('hex')}`,
  platform: 'linux'
}
const store = createCredentialStore(opts.keychainService, { timeoutMs: 15_000 })
const secrets = new Map<string, string>()

/** Stores each account's password the way saveAccount does (credentials/entries.ts). */
beforeAll(async () => {
  for (const account of [imapAccount, popAccount, hostileAccount]) {
    const secret = `pw-${randomBytes(6).toString('hex')} $'"\\`
    expect((await savePassword(store, account, secret)).stored).toBe(true)
    for (const entry of accountEntries(account)) secrets.set(entry.key, secret)
  }
})
afterAll(async () => {
  for (const account of [imapAccount, popAccount, hostileAccount]) await removePasswords(store, account)
})

// Accounts with the same address and username share an entry: the last save wins, as in the app.
const secretOf = (account: Account) => secrets.get(entryFor(account, 'incoming').key)

/** Runs a password command the way the clients do (sh -c) in an empty folder. */
async function runCommand(command: string): Promise<{ stdout: string; cwdFiles: string[] }> {
  const cwd = await tempDir('cmd-')
  const r = await run('sh', ['-c', command], { cwd })
  expect(r.stderr).toBe('')
  return { stdout: r.stdout, cwdFiles: await readdir(cwd) }
}

const ACCOUNTS = [
  ['IMAP', imapAccount],
  ['POP3', popAccount],
  ['hostile', hostileAccount]
] as const

describe('msmtp', () => {
  it.each(ACCOUNTS)('%s: msmtp --pretend accepts it; passwordeval prints the stored password', async (_n, account) => {
    const { path, dir } = await saved(account, 'msmtp', opts)
    const r = await run('msmtp', ['-C', path, '--pretend'], { cwd: dir })
    expect(r.code).toBe(0)
    const conf = Object.fromEntries(
      r.stdout
        .split('\n')
        .map((l) => /^(\w+) = (.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => [m[1], m[2]])
    )
    const out = account.outgoing
    expect(conf).toMatchObject({
      host: out.host,
      port: String(out.port),
      tls: 'on',
      tls_starttls: out.security === 'starttls' ? 'on' : 'off',
      auth: 'choose',
      tls_certcheck: 'on',
      user: out.username,
      from: account.address
    })
    const cmd = await runCommand(conf.passwordeval!)
    expect(cmd.stdout).toBe(secretOf(account))
    expect(cmd.cwdFiles).toEqual([])
  })
})

describe('mbsync', () => {
  it.each([ACCOUNTS[0], ACCOUNTS[2]])('%s: isync 1.4 parses it without an error', async (_n, account) => {
    const { path } = await saved(account, 'mbsync', opts)
    const r = await run('mbsync', ['-c', path, '__nosuch__'])
    // Parse errors read "<file>:<line>: …"; the only complaint is the missing channel.
    expect(r.stderr).not.toContain(path)
    expect(r.stderr.split('\n')[0]).toBe("No channel or group named '__nosuch__' defined.")
    const conf = await text(account, 'mbsync', opts)
    expect(conf).toContain(`SSLType ${account.incoming.security === 'tls' ? 'IMAPS' : 'STARTTLS'}`)
    expect(conf).not.toMatch(/TLSType|Master|Slave/)
  })
})

describe('fetchmail', () => {
  const DUMP = `
import sys, json
src = sys.stdin.read()
scope = {}
exec(src, scope)
print(json.dumps(scope["fetchmailrc"]["servers"]))
`
  it.each(ACCOUNTS)('%s: fetchmail --configdump reads the server, user and TLS options', async (_n, account) => {
    const { path, dir } = await saved(account, 'fetchmail', opts)
    const r = await run('fetchmail', ['-f', path, '--configdump'], { cwd: dir, env: { ...process.env, HOME: dir } })
    expect(r.code).toBe(0)
    expect(r.stderr.replace(/.*Running as root is discouraged.*\n?/, '')).toBe('')
    const { python } = await import('./tools')
    const parsed = await python(DUMP, [], r.stdout)
    expect(parsed.stderr).toBe('')
    const [server] = JSON.parse(parsed.stdout)
    const inc = account.incoming
    expect(server).toMatchObject({
      pollname: inc.host,
      protocol: inc.protocol === 'imap' ? 'IMAP' : 'POP3',
      service: String(inc.port),
      auth: 'password'
    })
    expect(server.users).toHaveLength(1)
    expect(server.users[0]).toMatchObject({ remote: inc.username, password: null, keep: 1, sslcertck: 1 })
    if (inc.security === 'tls') expect(server.users[0].ssl).toBe(1)
    else expect(server.users[0]).toMatchObject({ ssl: 0, sslproto: 'TLS1.2+' })
    expect(await readdir(dir)).toEqual([path.split('/').pop()])
  })
})

describe('mutt', () => {
  /** mutt -Q prints var="value" (`"` and `\` backslash-escaped), or "var is set/unset". */
  function query(stdout: string): Record<string, string> {
    const out: Record<string, string> = {}
    for (const line of stdout.split('\n')) {
      const value = /^(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))$/.exec(line)
      if (value) out[value[1]!] = value[2] !== undefined ? value[2].replace(/\\(.)/g, '$1') : value[3]!
      const flag = /^(\w+) is (set|unset)$/.exec(line)
      if (flag) out[flag[1]!] = flag[2] === 'set' ? 'yes' : 'no'
    }
    return out
  }

  it.each(ACCOUNTS)('%s: mutt reads every setting, and its password commands read the keyring', async (_n, account) => {
    const { path, dir } = await saved(account, 'mutt', opts)
    const imap = account.incoming.protocol === 'imap'
    const vars = [
      'realname',
      'from',
      'ssl_force_tls',
      'ssl_starttls',
      'smtp_url',
      'smtp_pass',
      ...(imap
        ? ['imap_user', 'imap_pass', 'folder', 'record', 'postponed', 'trash']
        : ['pop_user', 'pop_pass', 'spoolfile', 'pop_delete'])
    ]
    const r = await run('mutt', ['-n', '-F', path, ...vars.flatMap((v) => ['-Q', v])], {
      cwd: dir,
      env: { ...process.env, HOME: dir }
    })
    expect(r.stderr).toBe('')
    const q = query(r.stdout)
    expect(q.realname).toBe(displayName(account))
    expect(q.from).toBe(account.address)
    expect(q.ssl_force_tls).toBe('yes')
    expect(q[imap ? 'imap_user' : 'pop_user']).toBe(account.incoming.username)
    expect(q[imap ? 'imap_pass' : 'pop_pass']).toBe(secretOf(account))
    expect(q.smtp_pass).toBe(secretOf(account))
    const inc = account.incoming
    const scheme = imap ? (inc.security === 'tls' ? 'imaps' : 'imap') : inc.security === 'tls' ? 'pops' : 'pop'
    const mailbox = imap ? q.folder : q.spoolfile
    expect(mailbox).toMatch(new RegExp(`^${scheme}://.+@${inc.host.replace(/\./g, '\\.')}:${inc.port}/$`))
    expect(q.smtp_url).toContain(`@${account.outgoing.host}:${account.outgoing.port}/`)
    if (!imap) expect(q.pop_delete).toBe('no')
    // The server's special-use folders, or mutt's local defaults when it named none.
    if (imap) {
      const f = account.folders
      // mutt shows a name under $folder as =name.
      expect(q.record).toBe(f?.sent ? `=${f.sent}` : '~/sent')
      expect(q.postponed).toBe(f?.drafts ? `=${f.drafts}` : '~/postponed')
      expect(q.trash).toBe(f?.trash ? `=${f.trash}` : '')
    }
    // Nothing in the name or user name ran as a command.
    expect(await readdir(dir)).toEqual([path.split('/').pop()])
  })
})

describe('aerc', () => {
  it.each([ACCOUNTS[0], ACCOUNTS[2]])(
    '%s: read by go-ini rules, URLs decode to the user, commands read the keyring',
    async (_n, account) => {
      const conf = readGoIni(await text(account, 'aerc', opts))
      const sections = Object.keys(conf)
      expect(sections).toHaveLength(1)
      const s = conf[sections[0]!]!
      const source = new URL(s.source!)
      const inc = account.incoming
      expect(source.protocol).toBe(inc.security === 'tls' ? 'imaps:' : 'imap:')
      expect(decodeURIComponent(source.username)).toBe(inc.username)
      expect(source.hostname).toBe(inc.host)
      expect(source.port).toBe(String(inc.port))
      const outgoing = new URL(s.outgoing!)
      expect(outgoing.protocol).toBe(account.outgoing.security === 'tls' ? 'smtps+plain:' : 'smtp+plain:')
      expect(decodeURIComponent(outgoing.username)).toBe(account.outgoing.username)
      expect(s['smtp-starttls']).toBe(account.outgoing.security === 'starttls' ? 'yes' : undefined)
      expect(mailboxName(s.from!)).toBe(displayName(account))
      expect(s['copy-to']).toBe(account.folders?.sent)
      expect(s.postpone).toBe(account.folders?.drafts)
      for (const field of ['source-cred-cmd', 'outgoing-cred-cmd'] as const) {
        const cmd = await runCommand(s[field]!)
        expect(cmd.stdout).toBe(secretOf(account))
        expect(cmd.cwdFiles).toEqual([])
      }
    }
  )

  it('uses percent-encoding in URLs, so user names cannot break them', () => {
    expect(urlUser(`a@b:c/d?e#f g'(`)).toBe('a%40b%3Ac%2Fd%3Fe%23f%20g%27%28')
  })
})

describe('Claws Mail', () => {
  it.each(ACCOUNTS)('%s: one [Account: N] section of key=value lines, no password', async (_n, account) => {
    const content = await text(account, 'claws-mail', opts)
    const conf = readClaws(content)
    const [name, values] = Object.entries(conf)[0]!
    expect(Object.keys(conf)).toHaveLength(1)
    expect(name).toMatch(/^Account: \d+$/)
    const imap = account.incoming.protocol === 'imap'
    expect(values).toMatchObject({
      account_name: account.address,
      name: displayName(account),
      address: account.address,
      protocol: imap ? '1' : '0',
      receive_server: account.incoming.host,
      user_id: account.incoming.username,
      [imap ? 'ssl_imap' : 'ssl_pop']: account.incoming.security === 'tls' ? '1' : '2',
      ssl_smtp: account.outgoing.security === 'tls' ? '1' : '2',
      smtp_port: String(account.outgoing.port),
      use_smtp_auth: '1',
      config_version: '4'
    })
    expect(values).not.toHaveProperty('password')
    expect(values).not.toHaveProperty('smtp_password')
  })
})
