// The autoconfig reader against the whole Mozilla ISPDB corpus and its known quirks, and
// the hardened XML helper against hostile documents.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AutoconfigError, parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { parseAutodiscover } from '../../src/main/discovery/sources/autodiscover-xml'
import { XmlError, parseXml } from '../../src/main/xml'
import { ServerSettings } from '../../src/shared/domain'
import { parseAddress } from '../../src/shared/address'

// Mozilla's ISPDB as shipped with the app (resources/ispdb, MPL-2.0).
const CORPUS = resolve(import.meta.dirname, '..', '..', 'resources', 'ispdb')
const read = (f: string): string => readFileSync(join(CORPUS, f), 'utf8')

describe('the ISPDB corpus', () => {
  it('parses every file: 163 files, 963 domains, only valid server entries', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml'))
    let domains = 0
    const skipped = new Set<string>()
    for (const f of files) {
      const r = parseAutoconfig(read(f), 'Jane.Doe+tag@example.org')
      domains += r.domains.length
      expect(r.incoming.length + r.outgoing.length, f).toBeGreaterThan(0)
      for (const s of [...r.incoming, ...r.outgoing]) expect(ServerSettings.safeParse(s).success, f).toBe(true)
      for (const s of r.skipped) skipped.add(s)
      expect(JSON.stringify(r), f).not.toMatch(/%EMAIL/)
    }
    expect(files).toHaveLength(163)
    expect(domains).toBe(963)
    expect([...skipped].sort()).toEqual(['incoming:ews', 'incoming:exchange', 'incoming:graph', 'incoming:owa'])
  })

  it('skips unknown server types, tolerates %EMAILADDRESS without its %, keeps oAuth2', () => {
    const r = parseAutoconfig(read('office365.com.xml'), 'Ann@Contoso.com')
    expect(r.incoming.map((s) => `${s.protocol}:${s.host}:${s.port}:${s.security}`)).toEqual([
      'imap:outlook.office365.com:993:tls',
      'pop3:outlook.office365.com:995:tls'
    ])
    expect(r.incoming[1]!.pop3).toEqual({ leaveOnServer: true })
    expect(r.skipped).toEqual(['incoming:ews', 'incoming:owa', 'incoming:graph', 'incoming:exchange'])
    expect(r.oauth2).toEqual({
      issuer: 'login.microsoftonline.com',
      scope:
        'https://outlook.office365.com/IMAP.AccessAsUser.All https://outlook.office365.com/POP.AccessAsUser.All https://outlook.office365.com/SMTP.Send offline_access',
      authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token'
    })
    const quirky = `<clientConfig version="1.1"><emailProvider id="q"><domain>q.example</domain>
      <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS</username></incomingServer>
      <incomingServer type="carrier-pigeon"><hostname>x</hostname></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.q.example</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%.%EMAILDOMAIN%</username></outgoingServer>
      </emailProvider></clientConfig>`
    const q = parseAutoconfig(quirky, 'joe+x@bücher.example')
    expect(q.incoming[0]).toMatchObject({
      host: 'imap.xn--bcher-kva.example',
      username: 'joe+x@bücher.example',
      auth: ['password-cleartext']
    })
    expect(q.outgoing[0]!.username).toBe('joe+x.bücher.example')
    expect(q.skipped).toEqual(['incoming:carrier-pigeon'])
  })

  it('keeps repeated authentication elements in order', () => {
    const r = parseAutoconfig(read('googlemail.com.xml'), 'a@gmail.com')
    expect(r.incoming[0]!.auth).toEqual(['oauth2', 'password-cleartext'])
    expect(r.oauth2?.issuer).toBe('accounts.google.com')
    const yahoo = parseAutoconfig(read('yahoo.com.xml'), 'a@yahoo.com')
    expect(yahoo.oauth2?.scope).toBe('mail-w')
  })

  it('refuses documents that are not autoconfig', () => {
    expect(() => parseAutoconfig('<html/>', 'a@b.example')).toThrow(AutoconfigError)
  })
})

describe('hardened XML', () => {
  const reason = (fn: () => unknown): string | undefined => {
    try {
      fn()
      return undefined
    } catch (e) {
      return e instanceof XmlError ? e.reason : 'other'
    }
  }

  it('refuses DTDs, entity expansion, oversize and deep documents', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY b${i} "${`&${i ? `b${i - 1}` : 'a'};`.repeat(10)}">`).join('')}]><r>&b8;</r>`
    expect(reason(() => parseXml(laughs))).toBe('xml-dtd')
    expect(reason(() => parseXml('<!doctype r SYSTEM "http://evil.example/r.dtd"><r/>'))).toBe('xml-dtd')
    expect(reason(() => parseXml(`<r>${'x'.repeat(300 * 1024)}</r>`))).toBe('too-large')
    expect(reason(() => parseXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`))).toBe('xml-too-deep')
    expect(reason(() => parseXml('<a><b></a>'))).toBe('bad-xml')
    expect(reason(() => parseXml('not xml at all <'))).toBe('bad-xml')
  })

  it('leaves undeclared entities as text and decodes the predefined ones', () => {
    const t = parseXml('<r a="x &amp; y">&lt;b&gt; &#233; &unknown;</r>')
    const r = (t.r as Array<Record<string, string>>)[0]!
    expect(r['@a']).toBe('x & y')
    expect(r['#text']).toContain('<b>')
  })
})

describe('Autodiscover responses', () => {
  const addr = parseAddress('u@corp.example') as Extract<ReturnType<typeof parseAddress>, { ok: true }>
  it('reads IMAP/POP3/SMTP Protocol elements and their security', () => {
    const xml = `<Autodiscover xmlns="x"><Response xmlns="y"><Account><Action>settings</Action>
      <Protocol><Type>EXCH</Type><Server>ex.corp.example</Server></Protocol>
      <Protocol><Type>IMAP</Type><Server>IMAP.corp.example</Server><Port>143</Port><SSL>on</SSL><SPA>on</SPA></Protocol>
      <Protocol><Type>IMAP</Type><Server>imap.corp.example</Server><Port>1993</Port><Encryption>SSL</Encryption><SPA>off</SPA></Protocol>
      <Protocol><Type>POP3</Type><Server>pop.corp.example</Server><Port>110</Port><SSL>off</SSL><SPA>off</SPA></Protocol>
      <Protocol><Type>SMTP</Type><Server>smtp.corp.example</Server><Port>25</Port><Encryption>TLS</Encryption><AuthRequired>off</AuthRequired></Protocol>
      </Account></Response></Autodiscover>`
    const a = parseAutodiscover(xml, addr)
    expect(a.kind).toBe('settings')
    if (a.kind !== 'settings') return
    expect(a.incoming.map((s) => `${s.protocol}:${s.host}:${s.port}:${s.security}:${s.auth.join('+')}`)).toEqual([
      'imap:imap.corp.example:143:starttls:ntlm+password-cleartext',
      'imap:imap.corp.example:1993:tls:password-cleartext',
      'pop3:pop.corp.example:110:plain:password-cleartext'
    ])
    expect(a.outgoing[0]).toMatchObject({ port: 25, security: 'starttls', auth: ['none'] })
  })

  it('reads redirects and errors', () => {
    expect(
      parseAutodiscover(
        '<Autodiscover><Response><Account><Action>redirectUrl</Action><RedirectUrl>https://x.example/a.xml</RedirectUrl></Account></Response></Autodiscover>',
        addr
      )
    ).toEqual({ kind: 'redirectUrl', url: 'https://x.example/a.xml' })
    expect(
      parseAutodiscover(
        '<Autodiscover><Response><Error><ErrorCode>500</ErrorCode><Message>bad</Message></Error></Response></Autodiscover>',
        addr
      ).kind
    ).toBe('error')
  })
})
