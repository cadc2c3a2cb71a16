// "Add to Thunderbird" and "Add to Evolution": the account written straight into the program,
// proven by the program's own readers — Thunderbird started headless on the profile lists the
// account; GLib's key-file reader (Evolution's) reads the source files and they link up.
// Detection finds Thunderbird profiles (profiles.ini, default, in use) and Evolution.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { detectClients, thunderbirdProfiles } from '../../src/main/clients/detect'
import { applyToEvolution, applyToThunderbird, listPref, thunderbirdUserJs } from '../../src/main/clients/apply'
import { imapAccount, popAccount } from '../export/fixtures'
import { python, tempDir } from '../export/tools'
import { AUTH_METHOD, SOCKET_TYPE, startThunderbird, type Thunderbird } from './thunderbird'
import { verifiedAccount, type Verified } from './verified'
import { codeOf } from '../expect/diagnosis'

const bench = inject('bench')

async function fakeHome(): Promise<{ home: string; main: string; other: string }> {
  const home = await tempDir('clients-home-')
  const root = join(home, '.thunderbird')
  const main = join(root, 'abcd1234.default-release')
  const other = join(root, 'efgh5678.work')
  await mkdir(main, { recursive: true })
  await mkdir(other, { recursive: true })
  await writeFile(
    join(root, 'profiles.ini'),
    [
      '[Profile1]',
      'Name=work',
      'IsRelative=1',
      'Path=efgh5678.work',
      '',
      '[Profile0]',
      'Name=default-release',
      'IsRelative=1',
      'Path=abcd1234.default-release',
      '',
      '[Install4F96D1932A9F858E]',
      'Default=abcd1234.default-release',
      'Locked=1',
      ''
    ].join('\n')
  )
  return { home, main, other }
}

describe('detecting mail programs', () => {
  it('finds Thunderbird profiles with the default first, one in use, and Evolution', async () => {
    const { home, main, other } = await fakeHome()
    await symlink('127.0.0.1:+4242', join(other, 'lock'))
    await mkdir(join(home, '.config', 'evolution'), { recursive: true })
    const clients = await detectClients({ home, platform: 'linux', env: {} })
    expect(clients.map((c) => c.id)).toEqual(['thunderbird', 'evolution'])
    expect(clients[0]!.profiles).toEqual([
      { name: 'default-release', path: main, isDefault: true, inUse: false },
      { name: 'work', path: other, isDefault: false, inUse: true }
    ])
    expect(await detectClients({ home: await tempDir('empty-home-'), platform: 'linux', env: {} })).toEqual([])
  })
})

describe('writing into a Thunderbird profile', () => {
  it('keeps the accounts the profile has, replaces its own block on a second run, refuses while Thunderbird runs', async () => {
    const { home, main, other } = await fakeHome()
    await writeFile(
      join(main, 'prefs.js'),
      'user_pref("mail.accountmanager.accounts", "account1,account2");\nuser_pref("mail.smtpservers", "smtp1");\n'
    )
    await writeFile(join(main, 'user.js'), 'user_pref("mail.shell.checkDefaultClient", false);\n')
    const first = await thunderbirdUserJs(imapAccount, main)
    const accounts = listPref(first, 'mail.accountmanager.accounts')
    expect(accounts.slice(0, 2)).toEqual(['account1', 'account2'])
    expect(accounts).toHaveLength(3)
    expect(listPref(first, 'mail.smtpservers')).toHaveLength(2)
    expect(first).not.toContain('mail.smtp.defaultserver')
    expect(first).toContain('user_pref("mail.shell.checkDefaultClient", false);')
    await applyToThunderbird(imapAccount, main)
    await applyToThunderbird(imapAccount, main)
    const twice = await readFile(join(main, 'user.js'), 'utf8')
    expect(twice.match(/Mail Setup account begin/g)).toHaveLength(1)
    expect(listPref(twice, 'mail.accountmanager.accounts')).toEqual(accounts)

    await symlink('127.0.0.1:+4242', join(other, 'lock'))
    const [, busy] = await thunderbirdProfiles({ home, platform: 'linux', env: {} })
    expect(await codeOf(applyToThunderbird(imapAccount, busy!.path))).toBe('client-running')
  })

  describe('Thunderbird reads the account back', () => {
    let verified: Verified
    let tb: Thunderbird
    let written = ''
    beforeAll(async () => {
      const host = bench.mailHost
      verified = await verifiedAccount(bench, {
        incoming: `imaps://${host}:993`,
        outgoing: `smtp://${bench.users.alice.address}@${host}:587`,
        name: 'Alice Applied'
      })
      tb = await startThunderbird({
        prepare: async (profile) => {
          written = await applyToThunderbird(verified.account, profile)
        }
      })
    }, 120_000)
    afterAll(async () => {
      await tb?.stop()
    })

    it('lists the account with its servers, identity and sign-in settings', async () => {
      expect(written).toMatch(/user\.js$/)
      const a = verified.account
      const found = (await tb.accounts()).find(
        (x) => x.incoming.hostName === a.incoming.host && x.incoming.username === a.incoming.username
      )
      expect(found, JSON.stringify(await tb.accounts())).toBeDefined()
      expect(found!.incoming).toMatchObject({
        type: 'imap',
        port: a.incoming.port,
        socketType: SOCKET_TYPE.tls,
        authMethod: AUTH_METHOD.passwordCleartext
      })
      expect(found!.identities[0]).toMatchObject({ email: a.address, fullName: 'Alice Applied' })
      const smtp = (await tb.outgoingServers()).find((s) => s.key === found!.identities[0]!.smtpServerKey)
      expect(smtp).toMatchObject({
        hostName: a.outgoing.host,
        port: a.outgoing.port,
        socketType: SOCKET_TYPE.starttls,
        username: a.outgoing.username
      })
    })
  })
})

describe('writing into Evolution', () => {
  it('puts three source files in its sources folder; GLib reads them and they link up', async () => {
    for (const account of [imapAccount, popAccount]) {
      const dir = join(await tempDir('evolution-'), 'evolution', 'sources')
      await applyToEvolution(account, dir)
      const r = await python(
        `
import sys, json, os
from gi.repository import GLib
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    k = GLib.KeyFile()
    k.load_from_file(os.path.join(sys.argv[1], name), GLib.KeyFileFlags.NONE)
    out[name[:-7]] = {g: {key: k.get_string(g, key) for key in k.get_keys(g)[0]} for g in k.get_groups()[0]}
print(json.dumps(out))
`,
        [dir]
      )
      expect(r.stderr).toBe('')
      const files = JSON.parse(r.stdout) as Record<string, Record<string, Record<string, string>>>
      const uids = Object.keys(files)
      expect(uids).toHaveLength(3)
      const acct = uids.find((u) => files[u]!['Mail Account'])!
      const identity = files[files[acct]!['Mail Account']!.IdentityUid!]!
      expect(identity['Data Source']!.Parent).toBe(acct)
      expect(identity['Mail Identity']!.Address).toBe(account.address)
      const transport = files[identity['Mail Submission']!.TransportUid!]!
      expect(transport['Data Source']!.Parent).toBe(acct)
      expect(files[acct]!.Authentication!.Host).toBe(account.incoming.host)
      expect(files[acct]!['Mail Account']!.BackendName).toBe(account.incoming.protocol === 'pop3' ? 'pop' : 'imapx')
    }
  })
})
