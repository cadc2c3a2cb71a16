// Thunderbird reads our exports back with its own code, for accounts the app verified and
// saved: the autoconfig file through its reader (as from disk, and fetched from
// https://autoconfig.<domain>/) and its account-setup verifier signs in; the user.js profile
// becomes an account with the right server settings that signs in, sends and receives.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { startWorld, type World } from '../world/compose'
import { startWeb, xmlReply } from '../world/web'
import { tempDir } from '../export/tools'
import { AUTH_METHOD, SOCKET_TYPE, startThunderbird, type TbConfig, type Thunderbird } from './thunderbird'
import { arrived, benchHostsFile, uniqueSubject, verifiedAccount, type Verified } from './verified'

const bench = inject('bench')
const alice = bench.users.alice
const host = bench.mailHost
const autoconfigHost = `autoconfig.${bench.domain}`

let imap: Verified
let pop: Verified
let world: World
let hostsFile: string
let served = ''

beforeAll(async () => {
  imap = await verifiedAccount(bench, {
    incoming: `imaps://${host}:993`,
    outgoing: `smtp://${alice.login}@${host}:587`,
    name: 'Alice TB'
  })
  pop = await verifiedAccount(bench, {
    incoming: `pop3s://${host}:995`,
    outgoing: `smtps://${host}:465`,
    name: 'Alice POP'
  })
  // autoconfig.<domain> serves whatever `served` holds, over HTTPS with a test-CA certificate.
  world = await startWorld(bench)
  const web = await startWeb(world, [autoconfigHost])
  web.serve('https', autoconfigHost, '/mail/config-v1.1.xml', () => (served ? xmlReply(served) : undefined))
  hostsFile = await benchHostsFile(bench, { [autoconfigHost]: web.ip })
}, 60_000)

afterAll(async () => {
  await world?.stop()
})

const start = (userJs?: string) => startThunderbird({ hostsFile, trustPem: [bench.ca.certPem], userJs })

function expectServer(
  got: { hostname?: string; hostName?: string; port: number; socketType: number; username: string },
  s: Account['incoming']
): void {
  expect(got.hostname ?? got.hostName).toBe(s.host)
  expect(got.port).toBe(s.port)
  expect(got.socketType).toBe(SOCKET_TYPE[s.security])
  expect(got.username).toBe(s.username)
}

async function exported(v: Verified, format: 'thunderbird-autoconfig' | 'thunderbird-userjs'): Promise<string> {
  return readFile(await v.exportTo(format, await tempDir('tb-export-')), 'utf8')
}

describe('Thunderbird reads the autoconfig file', () => {
  let tb: Thunderbird
  beforeAll(async () => {
    tb = await start()
  }, 90_000)
  afterAll(async () => {
    await tb?.stop()
  })

  it.each([
    ['IMAP', () => imap],
    ['POP3', () => pop]
  ] as const)('%s: from disk and from autoconfig.<domain>, and its verifier signs in', async (_n, get) => {
    const v = get()
    const xml = await exported(v, 'thunderbird-autoconfig')
    const fromDisk = await tb.readAutoconfig(xml, alice.address, 'Alice')
    served = xml
    const fetched = await tb.fetchAutoconfig(bench.domain, alice.address, 'Alice')
    expect(fetched.subSource).toBe('xml-from-isp-https')
    for (const config of [fromDisk, fetched] as TbConfig[]) {
      expect(config.domains).toContain(bench.domain)
      expect(config.incoming.type).toBe(v.account.incoming.protocol)
      expectServer(config.incoming, v.account.incoming)
      expect(config.incoming.auth).toBe(AUTH_METHOD.passwordCleartext)
      expect(config.outgoing.type).toBe('smtp')
      expectServer(config.outgoing, v.account.outgoing)
      expect(config.outgoing.auth).toBe(AUTH_METHOD.passwordCleartext)
    }
    await tb.verifyConfig(fetched, alice.password)
    await expect(tb.verifyConfig(fetched, 'not the password')).rejects.toThrow()
  })
})

describe.each([
  ['IMAP, two usernames', () => imap],
  ['POP3, one username', () => pop]
] as const)('Thunderbird with the exported user.js (%s)', (_n, get) => {
  let tb: Thunderbird
  let v: Verified
  beforeAll(async () => {
    v = get()
    tb = await start(await exported(v, 'thunderbird-userjs'))
  }, 90_000)
  afterAll(async () => {
    await tb?.stop()
  })

  it('creates the account with the right host, port, socket type, auth, username and name', async () => {
    const accounts = await tb.accounts()
    expect(accounts).toHaveLength(1)
    const [account] = accounts
    expect(account!.incoming.type).toBe(v.account.incoming.protocol)
    expectServer(account!.incoming, v.account.incoming)
    expect(account!.incoming.authMethod).toBe(AUTH_METHOD.passwordCleartext)
    expect(account!.identities).toHaveLength(1)
    const identity = account!.identities[0]!
    expect(identity).toMatchObject({ email: alice.address, fullName: v.account.displayName })
    const outgoing = (await tb.outgoingServers()).find((s) => s.key === identity.smtpServerKey)
    expect(outgoing).toBeDefined()
    expectServer(outgoing!, v.account.outgoing)
    expect(outgoing!.authMethod).toBe(AUTH_METHOD.passwordCleartext)
  })

  it('signs in, sends through its outgoing server, and receives the message', async () => {
    const [account] = await tb.accounts()
    await tb.signIn(account!.key, alice.password)
    const subject = uniqueSubject('thunderbird')
    await tb.send(
      account!.key,
      { to: alice.address, subject, body: 'sent by Thunderbird with an exported user.js' },
      alice.password
    )
    await arrived(bench, 'alice', subject)
    expect(await tb.inboxSubjects(account!.key, alice.password)).toContain(subject)
  })
})
