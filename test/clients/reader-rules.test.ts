// Formats without a client on this machine (.k9s, the Thunderbird for Android QR code, Apple's
// .mobileconfig, Outlook's PRF), exported for accounts the app verified against the test world
// (Dovecot, and Cyrus with its folders under INBOX), read by strict parsers and checked field by
// field against the rules their readers apply (./reader-rules.ts, with the upstream files), and
// against the servers: hosts, ports, security and user names the check proved, and folder names
// exactly as the IMAP server lists them.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Account } from '../../src/shared/account'
import { displayName } from '../../src/main/export/common'
import { SECOND_SPECIAL_USE, SPECIAL_USE } from '../world'
import { PRF_READER } from '../export/readers'
import { python, run, tempDir } from '../export/tools'
import { serverList, type ImapLogin } from './imap-peek'
import { APPLE, K9S, plistProblems, PRF, QR } from './reader-rules'
import { verifiedAccount, type Verified } from './verified'

const bench = inject('bench')
const alice = bench.users.alice
const carol = bench.second.users.carol
const host = bench.mailHost
const second = bench.second.host

interface Case {
  name: string
  v: Verified
  /** Who signs in to list the server's folders (IMAP accounts). */
  login?: ImapLogin
}
const cases: Case[] = []

beforeAll(async () => {
  const [imap, pop, cyrus] = await Promise.all([
    verifiedAccount(bench, { incoming: `imaps://${host}:993`, outgoing: `smtps://${host}:465`, name: 'Alice Rules' }),
    verifiedAccount(bench, { incoming: `pop3s://${host}:995`, outgoing: `smtp://${host}:587`, name: 'Alice POP' }),
    verifiedAccount(bench, {
      incoming: `imaps://${carol.login}@${second}:993`,
      outgoing: `smtp://${carol.login}@${second}:587`,
      user: carol,
      name: 'Carol Cyrus'
    })
  ])
  cases.push(
    {
      name: 'Dovecot IMAP',
      v: imap,
      login: { user: alice.address, password: alice.password, host, address: bench.mailAddress, ca: bench.ca.certPem }
    },
    { name: 'Dovecot POP3', v: pop },
    {
      name: 'Cyrus IMAP',
      v: cyrus,
      login: {
        user: carol.login,
        password: carol.password,
        host: second,
        address: bench.second.address,
        ca: bench.ca.certPem
      }
    }
  )
}, 60_000)

const byName = (name: string): Case => cases.find((c) => c.name === name)!
const NAMES = ['Dovecot IMAP', 'Dovecot POP3', 'Cyrus IMAP'] as const

/** The raw name (as sent, before any decoding) and separator of the mailbox with this attribute. */
function rawSpecialUse(list: string[], attribute: string): { name: string; separator: string } | undefined {
  for (const line of list) {
    const m = /^\* LIST \(([^)]*)\) (?:"((?:[^"\\]|\\.)*)"|NIL) (?:"((?:[^"\\]|\\.)*)"|(\S+))$/.exec(line)
    if (m && m[1]!.split(' ').some((a) => a.toLowerCase() === attribute.toLowerCase()))
      return { name: (m[3] ?? m[4]!).replace(/\\(.)/g, '$1'), separator: (m[2] ?? '').replace(/\\(.)/g, '$1') }
  }
  return undefined
}

async function exported(v: Verified, format: Parameters<Verified['exportTo']>[0]): Promise<string> {
  return v.exportTo(format, await tempDir('rules-'))
}

describe("the check found the servers' special-use folders and their separator", () => {
  it('Dovecot: top-level names, "."; Cyrus: under INBOX, "."', () => {
    expect(byName('Dovecot IMAP').v.account.folders).toEqual({ ...SPECIAL_USE, separator: '.' })
    expect(byName('Dovecot POP3').v.account.folders).toBeUndefined()
    const inbox = Object.fromEntries(Object.entries(SECOND_SPECIAL_USE).map(([k, n]) => [k, `INBOX.${n}`]))
    expect(byName('Cyrus IMAP').v.account.folders).toEqual({ ...inbox, separator: '.' })
  })
})

// --- Thunderbird for Android settings file ----------------------------------------------------

const K9S_READER = `
import sys, json
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def server(e):
    return None if e is None else {"type": e.get("type"), "children": [c.tag for c in e], **{c.tag: (c.text or "") for c in e}}
accounts = []
for a in root.find("accounts"):
    accounts.append({
        "tag": a.tag, "uuid": a.get("uuid"), "name": a.findtext("name"),
        "incoming": server(a.find("incoming-server")), "outgoing": server(a.find("outgoing-server")),
        "settings": [[v.get("key"), v.text or ""] for v in a.find("settings")],
        "identities": [{"name": i.findtext("name"), "email": i.findtext("email")} for i in a.find("identities")],
    })
print(json.dumps({"tag": root.tag, "version": root.get("version"), "format": root.get("format"), "accounts": accounts}))
`

interface K9Server {
  type: string
  children: string[]
  [k: string]: unknown
}
interface K9File {
  tag: string
  version: string
  format: string
  accounts: Array<{
    tag: string
    uuid: string
    name: string
    incoming: K9Server
    outgoing: K9Server
    settings: Array<[string, string]>
    identities: Array<{ name: string; email: string }>
  }>
}

function k9sServerProblems(s: K9Server, types: readonly string[]): string[] {
  const p: string[] = []
  if (!types.includes(s.type)) p.push(`type ${s.type}`)
  for (const c of s.children) if (!K9S.serverElements.includes(c as never)) p.push(`element ${c} is not read`)
  const port = Number(s.port)
  if (!Number.isInteger(port) || port < K9S.port.min || port > K9S.port.max) p.push(`port ${String(s.port)}`)
  if (!K9S.connectionSecurity.includes(s['connection-security'] as never))
    p.push(`connection-security ${String(s['connection-security'])}`)
  if (!K9S.authenticationTypes.includes(s['authentication-type'] as never))
    p.push(`authentication-type ${String(s['authentication-type'])}`)
  if ('password' in s) p.push('a password in the file')
  return p
}

describe('Thunderbird for Android settings file (.k9s)', () => {
  it.each(NAMES)("%s: the reader's rules hold and every field is what the check verified", async (name) => {
    const c = byName(name)
    const a = c.v.account
    const r = await python(K9S_READER, [await exported(c.v, 'k9s')])
    expect(r.stderr).toBe('')
    const file = JSON.parse(r.stdout) as K9File
    expect(file).toMatchObject({ tag: 'k9settings', format: K9S.fileFormat })
    expect(Number(file.version)).toBeGreaterThan(0)
    expect(Number(file.version)).toBeLessThanOrEqual(K9S.latestContentVersion)
    expect(file.accounts).toHaveLength(1)
    const acct = file.accounts[0]!
    expect(acct.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(k9sServerProblems(acct.incoming, K9S.incomingTypes)).toEqual([])
    expect(k9sServerProblems(acct.outgoing, K9S.outgoingTypes)).toEqual([])
    const security = { tls: 'SSL_TLS_REQUIRED', starttls: 'STARTTLS_REQUIRED', plain: 'NONE' }
    for (const [got, s] of [
      [acct.incoming, a.incoming],
      [acct.outgoing, a.outgoing]
    ] as const) {
      expect(got).toMatchObject({
        type: s.protocol.toUpperCase(),
        host: s.host,
        port: String(s.port),
        'connection-security': security[s.security],
        'authentication-type': 'PLAIN',
        username: s.username
      })
    }
    // Account settings: only keys the app knows, only values it takes.
    const settings = Object.fromEntries(acct.settings)
    expect(acct.settings.length).toBe(Object.keys(settings).length)
    for (const [key, value] of acct.settings) {
      const rule = K9S.accountSettings[key]
      expect(rule, `${key} is a setting the app reads`).toBeDefined()
      if (Array.isArray(rule)) expect(rule).toContain(value)
    }
    // Deleted on the phone, deleted on the server (IMAP); POP3 keeps mail as the account says.
    expect(settings.deletePolicy).toBe(a.incoming.protocol === 'imap' ? 'DELETE' : 'NEVER')
    expect(acct.identities).toEqual([{ name: displayName(a), email: a.address }])
    // Folders: the server id the app matches (RealImapStore: the name as LIST sends it).
    if (!c.login) {
      expect(Object.keys(settings).filter((k) => /Folder/.test(k))).toEqual([])
      return
    }
    const list = await serverList(c.login)
    const attributes = { archive: '\\Archive', drafts: '\\Drafts', sent: '\\Sent', junk: '\\Junk', trash: '\\Trash' }
    for (const [role, key] of Object.entries(K9S.folderKeys)) {
      const raw = rawSpecialUse(list, attributes[role as keyof typeof attributes])
      expect(settings[`${key}Name`], `${key}Name`).toBe(raw?.name)
      expect(settings[`${key}Selection`]).toBe(raw ? 'MANUAL' : undefined)
    }
    expect(settings.sentFolderName).toBe(name === 'Cyrus IMAP' ? 'INBOX.Sent Messages' : 'Sent Messages')
  })
})

// --- Thunderbird for Android QR code ------------------------------------------------------------

function qrProblems(payload: unknown): string[] {
  const p: string[] = []
  const need = (ok: boolean, what: string): void => void (ok || p.push(what))
  const text = (v: unknown, what: string, ascii = false): void => {
    need(typeof v === 'string', `${what}: not a string`)
    if (typeof v !== 'string') return
    need(!QR.lineBreak.test(v), `${what}: line break`)
    if (ascii) need(QR.ascii.test(v), `${what}: not ASCII`)
  }
  const server = (s: unknown, protocols: readonly number[], what: string, incoming: boolean): void => {
    if (!Array.isArray(s)) return void p.push(`${what}: not an array`)
    need(protocols.includes(s[0]), `${what}: protocol ${String(s[0])}`)
    text(s[1], `${what} host`, true)
    need(Number.isInteger(s[2]) && s[2] >= QR.port.min && s[2] <= QR.port.max, `${what}: port ${String(s[2])}`)
    need(QR.connectionSecurity.includes(s[3]), `${what}: connection security ${String(s[3])}`)
    need(QR.authenticationTypes.includes(s[4]), `${what}: authentication ${String(s[4])}`)
    text(s[5], `${what} username`)
    // Account name (incoming only) and password are optional; we never write a password.
    need(s.length <= (incoming ? 7 : 6), `${what}: a password or more than the format has`)
  }
  if (!Array.isArray(payload)) return ['root: not an array']
  need(payload[0] === QR.formatVersion, `format version ${String(payload[0])}`)
  need(Array.isArray(payload[1]) && payload[1].every(Number.isInteger), 'sequence')
  need(payload.length >= 4 && payload.length % 2 === 0, 'accounts come in (incoming, outgoing groups) pairs')
  for (let i = 2; i < payload.length; i += 2) {
    server(payload[i], QR.incomingProtocols, 'incoming', true)
    const groups = payload[i + 1]
    need(Array.isArray(groups) && groups.length > 0, 'outgoing server groups')
    for (const g of Array.isArray(groups) ? groups : []) {
      server(g[0], QR.outgoingProtocols, 'outgoing', false)
      need(g.length > 1, 'identities')
      for (const id of g.slice(1)) {
        text(id[0], 'email', true)
        need(typeof id[0] === 'string' && /^[^@\s]+@[^@\s]+$/.test(id[0]), 'email: an address')
        text(id[1], 'display name')
      }
    }
  }
  return p
}

describe('Thunderbird for Android QR code', () => {
  it.each(NAMES)(
    "%s: zbarimg reads the PNG; the payload keeps the reader's rules with the verified values",
    async (name) => {
      const c = byName(name)
      const a = c.v.account
      const r = await run('zbarimg', ['--raw', '-q', '-Sbinary', await exported(c.v, 'thunderbird-qr-png')])
      expect(r.code).toBe(0)
      const payload = JSON.parse(r.stdout.replace(/\n$/, '')) as unknown
      expect(qrProblems(payload)).toEqual([])
      const sec = { plain: 0, starttls: 2, tls: 3 }
      const s = (x: Account['incoming']) => [x.host, x.port, sec[x.security], 1, x.username]
      expect(payload).toEqual([
        1,
        [1, 1],
        [a.incoming.protocol === 'imap' ? 0 : 1, ...s(a.incoming)],
        [
          [
            [0, ...s(a.outgoing)],
            [a.address, displayName(a)]
          ]
        ]
      ])
    }
  )

  it('the rules catch what the reader refuses: NTLM, the legacy security value, a line break, a password', () => {
    const ok = [
      1,
      [1, 1],
      [0, 'h.test', 993, 3, 1, 'u'],
      [
        [
          [0, 'h.test', 465, 3, 1, 'u'],
          ['u@h.test', 'U']
        ]
      ]
    ]
    expect(qrProblems(ok)).toEqual([])
    const bad = structuredClone(ok) as unknown as [number, number[], unknown[], unknown[][][]]
    bad[2][4] = 4
    bad[2][3] = 1
    bad[3][0]![1] = ['u@h.test', 'U\nX']
    bad[3][0]![0]!.push('secret')
    expect(qrProblems(bad)).toHaveLength(4)
  })
})

// --- Apple configuration profile --------------------------------------------------------------

const PLIST = `
import sys, json, plistlib
print(json.dumps(plistlib.load(open(sys.argv[1], "rb"), fmt=plistlib.FMT_XML)))
`

describe('Apple configuration profile (.mobileconfig)', () => {
  it.each(NAMES)("%s: every key is in Apple's schema with its type and values, as the check verified", async (name) => {
    const c = byName(name)
    const a = c.v.account
    const r = await python(PLIST, [await exported(c.v, 'apple-mobileconfig')])
    expect(r.stderr).toBe('')
    const profile = JSON.parse(r.stdout) as Record<string, unknown> & { PayloadContent: Array<Record<string, unknown>> }
    expect(plistProblems(profile, APPLE.topLevel, ['PayloadContent'])).toEqual([])
    const uuids = new Set<string>([profile.PayloadUUID as string])
    for (const payload of profile.PayloadContent) {
      const schema = APPLE.payloads[payload.PayloadType as string]
      expect(schema, `payload type ${String(payload.PayloadType)}`).toBeDefined()
      expect(plistProblems(payload, schema!)).toEqual([])
      expect(payload.PayloadUUID).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/)
      uuids.add(payload.PayloadUUID as string)
    }
    expect(uuids.size).toBe(profile.PayloadContent.length + 1)
    const mail = profile.PayloadContent.find((p) => p.PayloadType === 'com.apple.mail.managed')!
    expect(mail).toMatchObject({
      EmailAccountType: a.incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
      EmailAddress: a.address,
      EmailAccountName: displayName(a),
      IncomingMailServerHostName: a.incoming.host,
      IncomingMailServerPortNumber: a.incoming.port,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: a.incoming.username,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: a.outgoing.host,
      OutgoingMailServerPortNumber: a.outgoing.port,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: a.outgoing.username,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingPasswordSameAsIncomingPassword: a.outgoing.username === a.incoming.username
    })
    expect(mail).not.toHaveProperty('IncomingPassword')
    expect(mail).not.toHaveProperty('OutgoingPassword')
  })

  it('the rules catch a key Apple does not define, a wrong type and a value outside its list', () => {
    const schema = APPLE.payloads['com.apple.mail.managed']!
    expect(
      plistProblems(
        {
          PayloadIdentifier: 'x',
          PayloadUUID: 'x',
          PayloadType: 'com.apple.mail.managed',
          PayloadVersion: 1,
          EmailAccountType: 'EmailTypeIMAP',
          IncomingMailServerHostName: 'h',
          IncomingMailServerPortNumber: '993',
          IncomingMailServerAuthentication: 'EmailAuthOAuth',
          OutgoingMailServerHostName: 'h',
          OutgoingMailServerAuthentication: 'EmailAuthPassword',
          IncomingMailServerUseTLS: true
        },
        schema
      )
    ).toHaveLength(3)
  })
})

// --- Outlook PRF ------------------------------------------------------------------------------

describe('Outlook profile file (.prf)', () => {
  it.each(NAMES)('%s: the published sections and mapping hold, with the verified values', async (name) => {
    const c = byName(name)
    const a = c.v.account
    const r = await python(PRF_READER, [await exported(c.v, 'outlook-prf')])
    expect(r.stderr).toBe('')
    const ini = JSON.parse(r.stdout) as Record<string, Record<string, string>>
    for (const [key, value] of Object.entries(ini.General!)) {
      const rule = PRF.general[key]
      expect(rule, `[General] ${key}`).toBeDefined()
      if (Array.isArray(rule)) expect(rule).toContain(value)
    }
    // The account is added to the default profile, keeping every account there.
    expect(ini.General).toMatchObject({ OverwriteProfile: 'Append', ModifyDefaultProfileIfPresent: 'TRUE' })
    const list = Object.entries(ini['Internet Account List']!)
    expect(list).toHaveLength(1)
    const [[accountKey, service]] = list as [[string, string]]
    expect(PRF.accountTypes[service]).toBe(a.incoming.protocol === 'imap' ? 'IMAP' : 'POP3')
    // Every property of the account is declared in its type's mapping section, with a type.
    const mapping = ini[service]!
    expect(mapping.AccountType).toBe(PRF.accountTypes[service])
    const props = ini[accountKey]!
    for (const [key, value] of Object.entries(props)) {
      if (key === 'UniqueService') continue
      expect(mapping[key], `${key} is mapped`).toMatch(PRF.mapping)
      if (mapping[key]!.startsWith('PT_LONG')) expect(value, key).toMatch(/^\d+$/)
    }
    const p = a.incoming.protocol === 'imap' ? 'IMAP' : 'POP3'
    expect(props).toMatchObject({
      AccountName: a.address,
      DisplayName: displayName(a),
      EmailAddress: a.address,
      [`${p}Server`]: a.incoming.host,
      [`${p}Port`]: String(a.incoming.port),
      [`${p}UserName`]: a.incoming.username,
      SMTPServer: a.outgoing.host,
      SMTPPort: String(a.outgoing.port),
      SMTPUseAuth: '1',
      SMTPUserName: a.outgoing.username
    })
    expect(JSON.stringify(ini)).not.toMatch(/Password/)
  })
})
