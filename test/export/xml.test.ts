// XML formats, each checked by xmllint and read back: autoconfig by our own reader, the
// Apple profile by Python's plistlib, K-9 settings and the Autodiscover response by
// ElementTree. Hostile names must come back exactly, as text, never as markup.
import { describe, expect, it } from 'vitest'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import type { Account } from '../../src/shared/account'
import { displayName } from '../../src/main/export/common'
import { hostileAccount, imapAccount, oauthAccount, popAccount } from './fixtures'
import { python, run, saved, text } from './tools'

async function xmllint(
  account: Account,
  format: 'thunderbird-autoconfig' | 'k9s' | 'apple-mobileconfig' | 'autodiscover-pox'
): Promise<string> {
  const { path } = await saved(account, format)
  // --nonet: the plist DOCTYPE names Apple's DTD; nothing is fetched.
  const r = await run('xmllint', ['--noout', '--nonet', path])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return path
}

describe('Thunderbird autoconfig', () => {
  it.each([
    ['IMAP', imapAccount],
    ['POP3', popAccount],
    ['OAuth2', oauthAccount],
    ['hostile', hostileAccount]
  ] as const)('%s: well-formed, and our reader reads back the same servers', async (_n, account) => {
    await xmllint(account, 'thunderbird-autoconfig')
    const parsed = parseAutoconfig(await text(account, 'thunderbird-autoconfig'), account.address)
    expect(parsed.incoming).toHaveLength(1)
    expect(parsed.outgoing).toHaveLength(1)
    for (const [got, want] of [
      [parsed.incoming[0], account.incoming],
      [parsed.outgoing[0], account.outgoing]
    ] as const) {
      expect(got).toMatchObject({
        protocol: want.protocol,
        host: want.host,
        port: want.port,
        security: want.security,
        username: want.username
      })
      expect(got?.auth[0]).toBe(account.authKind === 'oauth2' ? 'oauth2' : want.auth[0])
      if (want.pop3) expect(got?.pop3).toEqual(want.pop3)
    }
    if (account.authKind === 'oauth2') expect(parsed.oauth2).toEqual(account.oauth2)
  })

  it('uses placeholders so one file serves the whole domain', async () => {
    const xml = await text(imapAccount, 'thunderbird-autoconfig')
    expect(xml).toContain('<username>%EMAILADDRESS%</username>')
    const forBob = parseAutoconfig(xml, 'bob@example.com')
    expect(forBob.incoming[0]?.username).toBe('bob@example.com')
  })
})

const ET = `
import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
def walk(e):
    return {"tag": e.tag, "attrib": e.attrib, "text": (e.text or "").strip(), "children": [walk(c) for c in e]}
print(json.dumps(walk(root)))
`
interface Node {
  tag: string
  attrib: Record<string, string>
  text: string
  children: Node[]
}
const find = (n: Node, path: string[]): Node | undefined =>
  path.length === 0
    ? n
    : n.children
        .filter((c) => c.tag.replace(/^\{.*\}/, '') === path[0])
        .map((c) => find(c, path.slice(1)))
        .find(Boolean)
const all = (n: Node, tag: string): Node[] => n.children.filter((c) => c.tag.replace(/^\{.*\}/, '') === tag)

async function tree(path: string): Promise<Node> {
  const r = await python(ET, [path])
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout) as Node
}

describe('K-9 / Thunderbird for Android settings (.k9s)', () => {
  it.each([
    ['IMAP', imapAccount, 'IMAP', 'PLAIN', 'DELETE'],
    ['POP3', popAccount, 'POP3', 'PLAIN', 'NEVER'],
    ['OAuth2', oauthAccount, 'IMAP', 'XOAUTH2', 'DELETE'],
    ['hostile', hostileAccount, 'IMAP', 'PLAIN', 'DELETE']
  ] as const)('%s: the structure the importer reads', async (_n, account, type, auth, deletePolicy) => {
    const root = await tree(await xmllint(account, 'k9s'))
    expect(root.tag).toBe('k9settings')
    expect(root.attrib).toEqual({ version: '95', format: '1' })
    const acct = find(root, ['accounts', 'account'])!
    expect(acct.attrib.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const inc = find(acct, ['incoming-server'])!
    expect(inc.attrib.type).toBe(type)
    const value = (n: Node, tag: string) => find(n, [tag])?.text
    expect(value(inc, 'host')).toBe(account.incoming.host)
    expect(value(inc, 'port')).toBe(String(account.incoming.port))
    expect(value(inc, 'connection-security')).toBe(
      account.incoming.security === 'tls' ? 'SSL_TLS_REQUIRED' : 'STARTTLS_REQUIRED'
    )
    expect(value(inc, 'authentication-type')).toBe(auth)
    expect(value(inc, 'username')).toBe(account.incoming.username)
    const out = find(acct, ['outgoing-server'])!
    expect(out.attrib.type).toBe('SMTP')
    expect(value(out, 'username')).toBe(account.outgoing.username)
    expect(find(acct, ['settings', 'value'])).toMatchObject({ attrib: { key: 'deletePolicy' }, text: deletePolicy })
    // The importer's own names (K-9's DeletePolicySetting, ServerSettings enums): anything
    // else is dropped on import and the default (NEVER, …) used instead.
    expect(['NEVER', 'DELETE', 'MARK_AS_READ']).toContain(deletePolicy)
    for (const s of [inc, out]) {
      expect(['NONE', 'STARTTLS_REQUIRED', 'SSL_TLS_REQUIRED']).toContain(value(s, 'connection-security'))
      expect(['PLAIN', 'CRAM_MD5', 'EXTERNAL', 'XOAUTH2', 'NONE']).toContain(value(s, 'authentication-type'))
    }
    const identity = find(acct, ['identities', 'identity'])!
    expect(value(identity, 'name')).toBe(displayName(account))
    expect(value(identity, 'email')).toBe(account.address)
    expect(identity.children.filter((c) => c.tag === 'b')).toEqual([])
  })
})

describe('Apple configuration profile', () => {
  const CHECK = `
import sys, json, plistlib
with open(sys.argv[1], "rb") as f:
    p = plistlib.load(f)
need_top = {"PayloadType": str, "PayloadVersion": int, "PayloadIdentifier": str, "PayloadUUID": str, "PayloadDisplayName": str, "PayloadContent": list}
need_mail = {"PayloadType": str, "PayloadVersion": int, "PayloadIdentifier": str, "PayloadUUID": str,
  "EmailAccountType": str, "IncomingMailServerHostName": str, "IncomingMailServerAuthentication": str,
  "OutgoingMailServerHostName": str, "OutgoingMailServerAuthentication": str}
optional = {"IncomingMailServerPortNumber": int, "OutgoingMailServerPortNumber": int, "IncomingMailServerUseSSL": bool,
  "OutgoingMailServerUseSSL": bool, "IncomingMailServerUsername": str, "OutgoingMailServerUsername": str,
  "EmailAddress": str, "EmailAccountName": str, "EmailAccountDescription": str, "OutgoingPasswordSameAsIncomingPassword": bool}
errors = []
for k, t in need_top.items():
    if not isinstance(p.get(k), t): errors.append("top " + k)
mail = p["PayloadContent"][0]
for k, t in need_mail.items():
    if not isinstance(mail.get(k), t) or isinstance(mail.get(k), bool) != (t is bool): errors.append("mail " + k)
for k, t in optional.items():
    if k in mail and (not isinstance(mail[k], t) or isinstance(mail[k], bool) != (t is bool)): errors.append("type " + k)
if "IncomingPassword" in mail or "OutgoingPassword" in mail: errors.append("password present")
print(json.dumps({"errors": errors, "top": {k: v for k, v in p.items() if k != "PayloadContent"}, "mail": mail}))
`
  it.each([
    ['IMAP', imapAccount, 'EmailTypeIMAP'],
    ['POP3', popAccount, 'EmailTypePOP'],
    ['hostile', hostileAccount, 'EmailTypeIMAP']
  ] as const)('%s: plistlib reads it with every required key and type', async (_n, account, type) => {
    const r = await python(CHECK, [await xmllint(account, 'apple-mobileconfig')])
    expect(r.stderr).toBe('')
    const { errors, top, mail } = JSON.parse(r.stdout)
    expect(errors).toEqual([])
    expect(top).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1 })
    expect(mail).toMatchObject({
      PayloadType: 'com.apple.mail.managed',
      EmailAccountType: type,
      EmailAddress: account.address,
      EmailAccountName: displayName(account),
      IncomingMailServerHostName: account.incoming.host,
      IncomingMailServerPortNumber: account.incoming.port,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: account.incoming.username,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerUsername: account.outgoing.username,
      OutgoingMailServerUseSSL: true
    })
  })

  it('keeps its identifiers across exports, so a new profile replaces the old one', async () => {
    expect(await text(imapAccount, 'apple-mobileconfig')).toBe(await text(imapAccount, 'apple-mobileconfig'))
  })
})

describe('Autodiscover POX response', () => {
  it.each([
    ['IMAP', imapAccount, 'IMAP', 'SSL'],
    ['POP3', popAccount, 'POP3', 'SSL'],
    ['hostile', hostileAccount, 'IMAP', 'TLS']
  ] as const)('%s: well-formed, one Protocol per server with SSL/Encryption', async (_n, account, type, encryption) => {
    const root = await tree(await xmllint(account, 'autodiscover-pox'))
    expect(root.tag).toBe('{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover')
    const acct = find(root, ['Response', 'Account'])!
    expect(find(acct, ['Action'])?.text).toBe('settings')
    const protocols = all(acct, 'Protocol')
    const v = (n: Node, tag: string) => find(n, [tag])?.text
    expect(protocols.map((p) => v(p, 'Type'))).toEqual([type, 'SMTP'])
    expect(v(protocols[0]!, 'Server')).toBe(account.incoming.host)
    expect(v(protocols[0]!, 'LoginName')).toBe(account.incoming.username)
    expect(v(protocols[0]!, 'SSL')).toBe('on')
    expect(v(protocols[0]!, 'Encryption')).toBe(encryption)
    expect(v(protocols[0]!, 'SPA')).toBe('off')
    expect(v(protocols[1]!, 'LoginName')).toBe(account.outgoing.username)
    expect(find(root, ['Response', 'User', 'DisplayName'])?.text).toBe(displayName(account))
  })
})
