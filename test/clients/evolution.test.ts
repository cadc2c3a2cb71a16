// GNOME Evolution's exported source files, loaded by evolution-data-server itself: unpacked into
// ~/.config/evolution/sources as the export says, for accounts the app verified and saved, then
// read back through ESourceRegistry (the evolution-source-registry service on a private D-Bus
// session, eds-sources.py) with the keys Evolution's mail backends read: backend, host, port,
// user, auth method, security method, identity and its transport.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { ServerSettings } from '../../src/shared/domain'
import { SPECIAL_USE } from '../world'
import { PYTHON, run, tempDir } from '../export/tools'
import { verifiedAccount, type Verified } from './verified'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
const SOURCES = new URL('./eds-sources.py', import.meta.url).pathname

interface Row {
  uid: string
  parent: string | null
  name: string
  enabled: boolean
  account?: { backend: string; identity: string }
  transport?: { backend: string }
  identity?: {
    address: string
    name: string
    transport: string
    sentFolder: string | null
    draftsFolder: string | null
  }
  auth?: { host: string; port: number; user: string; method: string }
  security?: string
}

/** What Evolution shows for the security of a connection (ESourceSecurity's method). */
const SECURITY = { tls: 'ssl-on-alternate-port', starttls: 'starttls-on-standard-port', plain: 'none' } as const

async function loaded(v: Verified): Promise<Row[]> {
  const home = await tempDir('evolution-home-')
  const sources = join(home, '.config', 'evolution', 'sources')
  await mkdir(sources, { recursive: true })
  const tar = await v.exportTo('evolution', await tempDir('evolution-file-'))
  // The file's own instruction: tar -xf <file> -C ~/.config/evolution/sources
  expect((await run('tar', ['-xf', tar, '-C', sources])).code).toBe(0)
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache')
  }
  const r = await run('dbus-run-session', ['--', PYTHON, SOURCES], { env })
  expect(r.code, r.stderr).toBe(0)
  // Evolution's built-in sources (On This Computer, Search Folders, Sendmail) are there too.
  return (JSON.parse(r.stdout) as Row[]).filter((row) => !['local', 'vfolder', 'sendmail'].includes(row.uid))
}

function expectServer(row: Row, s: ServerSettings): void {
  expect(row.auth).toMatchObject({ host: s.host, port: s.port, user: s.username })
  expect(row.security).toBe(SECURITY[s.security])
}

describe.each([
  ['IMAP, one username', { incoming: `imaps://${host}:993`, outgoing: `smtp://${host}:587` }],
  ['POP3, two usernames', { incoming: `pop3://${host}:110`, outgoing: `smtps://${alice.login}@${host}:465` }]
] as const)('evolution-data-server loads the exported sources (%s)', (kind, servers) => {
  let v: Verified
  let rows: Row[]
  beforeAll(async () => {
    v = await verifiedAccount(bench, { ...servers, name: 'Alice Evolution' })
    rows = await loaded(v)
  }, 60_000)

  it('as one enabled account with its identity and transport, linked the way Evolution links them', () => {
    expect(rows).toHaveLength(3)
    const account = rows.find((r) => r.account)!
    const identity = rows.find((r) => r.identity)!
    const transport = rows.find((r) => r.transport)!
    expect(rows.every((r) => r.enabled && r.name === alice.address)).toBe(true)
    expect(account.parent).toBeNull()
    expect(account.account).toEqual({ backend: kind.startsWith('IMAP') ? 'imapx' : 'pop', identity: identity.uid })
    expect(identity.parent).toBe(account.uid)
    expect(transport.parent).toBe(account.uid)
    expect(identity.identity).toMatchObject({
      address: alice.address,
      name: 'Alice Evolution',
      transport: transport.uid
    })
    expect(transport.transport).toEqual({ backend: 'smtp' })
    // IMAP: the server's special-use Sent and Drafts the check found, as Evolution's folder URIs.
    const folder = (name: string): string | null =>
      kind.startsWith('IMAP') ? `folder://${account.uid}/${encodeURIComponent(name)}` : null
    expect(identity.identity).toMatchObject({
      sentFolder: folder(SPECIAL_USE.sent),
      draftsFolder: folder(SPECIAL_USE.drafts)
    })
  })

  it('with the host, port, user, security and sign-in method the app verified', () => {
    const account = rows.find((r) => r.account)!
    const transport = rows.find((r) => r.transport)!
    expectServer(account, v.account.incoming)
    expectServer(transport, v.account.outgoing)
    // IMAP/POP: no mechanism is Camel's password sign-in (LOGIN / USER+PASS); SMTP names its SASL mechanism.
    expect(account.auth!.method).toBe('none')
    expect(transport.auth!.method).toBe('PLAIN')
  })
})
