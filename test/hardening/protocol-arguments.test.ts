// Finding 9: no control characters in any protocol argument. A user name with CR LF from an
// autoconfig file (`&#13;&#10;`, and `&amp;#10;` which was decoded twice), an Autodiscover
// LoginName, a CLI URL's userinfo, or a password on POP3's PASS line must never reach the
// session as another command. Each case against a real POP3 server on loopback that records
// every line it receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { allocLoopback } from '../world'
import { pop3Script, smtpScript } from '../fakes/scripts'
import type { Fake } from '../fakes/server'
import { parseAutoconfig } from '../../src/main/discovery/autoconfig'
import { parseAutodiscover } from '../../src/main/discovery/sources/autodiscover-xml'
import { parseAddress } from '../../src/shared/address'
import { verify } from '../../src/main/verify'
import { startWorld, type World } from '../world/compose'
import { FAST } from '../verify/helpers'
import { createDns } from '../../src/main/net/dns'
import { rootCertificates } from 'node:tls'
import { inject } from 'vitest'

const DOMAIN = 'inject.test'
const HOST = `mail.${DOMAIN}`
const ADDRESS = `alice@${DOMAIN}`
let w: World
let pop: Fake
let ispDir: string

/** Every command line the POP3 server received, over all connections. */
const commands = (): string[] => pop.all().split(/\r?\n/).filter(Boolean)

function autoconfig(username: string): string {
  return `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="${DOMAIN}"><domain>${DOMAIN}</domain>
<incomingServer type="pop3"><hostname>${HOST}</hostname><port>995</port><socketType>SSL</socketType>
<username>${username}</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>${HOST}</hostname><port>465</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
}

beforeAll(async () => {
  w = await startWorld(inject('bench'))
  const tls = await w.cert([HOST])
  const host = allocLoopback()
  // USER/PASS only (no SASL PLAIN), so user name and password travel as raw command lines.
  pop = await w.fake(HOST, { host, port: 995, tls, handler: pop3Script({ capa: ['USER'] }) })
  await w.fake(HOST, { host, port: 465, tls, handler: smtpScript({ ehlo: ['AUTH PLAIN LOGIN'] }) })
  ispDir = join(w.dir, 'isp')
  mkdirSync(ispDir)
})
afterAll(() => w?.stop())

describe('XML text is decoded once', () => {
  it('&amp;#10; stays the text "&#10;"; &#13;&#10; is a real line break', () => {
    const addr = parseAddress(ADDRESS)
    if (!addr.ok) throw new Error('address')
    expect(parseAutoconfig(autoconfig('alice&amp;#10;DELE 1'), addr).incoming[0]?.username).toBe('alice&#10;DELE 1')
    expect(parseAutoconfig(autoconfig('alice&#13;&#10;DELE 1'), addr).incoming[0]?.username).toBe('alice\r\nDELE 1')
  })
})

describe('a user name with a line break never reaches the server', () => {
  it('CLI --incoming with %0D%0A in the userinfo: refused with unsafe-characters, no extra command', async () => {
    const before = commands().length
    const res = await w.cli(
      [
        'verify',
        ADDRESS,
        '--incoming',
        `pop3s://alice%0D%0ADELE%201@${HOST}:995`,
        '--outgoing',
        `smtps://${HOST}:465`,
        '--no-save',
        '--json'
      ],
      { env: { MAIL_SETUP_PASSWORD: 'Inject-Pa55' } }
    )
    expect(res.code).toBe(4)
    expect(JSON.parse(res.stdout).error.code).toBe('unsafe-characters')
    const sent = commands().slice(before)
    expect(sent).not.toContain('DELE 1')
    expect(sent.some((l) => /^(USER|PASS|AUTH)\b/i.test(l))).toBe(false)
  })

  it('an autoconfig user name with &#13;&#10;: refused, no extra command', async () => {
    writeFileSync(join(ispDir, `${DOMAIN}.xml`), autoconfig('%EMAILADDRESS%&#13;&#10;DELE 1'))
    const before = commands().length
    const res = await w.cli(['verify', ADDRESS, '--pop', '--offline', '--isp-dir', ispDir, '--no-save', '--json'], {
      env: { MAIL_SETUP_PASSWORD: 'Inject-Pa55' }
    })
    expect(res.code).toBe(4)
    expect(JSON.parse(res.stdout).error.code).toBe('unsafe-characters')
    expect(commands().slice(before)).not.toContain('DELE 1')
  })
})

describe('service level: Autodiscover LoginName, double-decoded text, a password with CR LF', () => {
  const bench = inject('bench')
  const ctx = () => ({
    dns: createDns({ dnsServers: [w.dns.server] }, 1500),
    ca: [...rootCertificates, bench.ca.certPem],
    signal: new AbortController().signal,
    onProbe: () => undefined,
    timing: FAST
  })
  const addr = () => {
    const a = parseAddress(ADDRESS)
    if (!a.ok) throw new Error('address')
    return a
  }

  it('an Autodiscover LoginName with &#13;&#10; is refused before the sign-in', async () => {
    const xml = `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>POP3</Type><Server>${HOST}</Server><Port>995</Port><SSL>on</SSL><SPA>off</SPA><LoginName>alice&#13;&#10;DELE 1</LoginName></Protocol></Account></Response></Autodiscover>`
    const answer = parseAutodiscover(xml, addr())
    if (answer.kind !== 'settings') throw new Error(answer.kind)
    const before = commands().length
    const r = await verify(
      {
        address: ADDRESS,
        incoming: answer.incoming,
        outgoing: [],
        secret: { kind: 'password', password: 'Inject-Pa55' },
        exceptions: []
      },
      ctx()
    )
    expect(r.diagnosis?.code).toBe('unsafe-characters')
    expect(commands().slice(before)).not.toContain('DELE 1')
  })

  it('the double-decoded &amp;#10; travels as one harmless line', async () => {
    const file = parseAutoconfig(autoconfig('alice&amp;#10;DELE 1'), addr())
    const before = commands().length
    await verify(
      {
        address: ADDRESS,
        incoming: file.incoming,
        outgoing: [],
        secret: { kind: 'password', password: 'Inject-Pa55' },
        exceptions: []
      },
      ctx()
    )
    const sent = commands().slice(before)
    expect(sent).toContain('USER alice&#10;DELE 1')
    expect(sent).not.toContain('DELE 1')
  })

  it('a password with CR LF is not written as a PASS line plus a command', async () => {
    const file = parseAutoconfig(autoconfig('%EMAILADDRESS%'), addr())
    const before = commands().length
    const r = await verify(
      {
        address: ADDRESS,
        incoming: file.incoming,
        outgoing: [],
        secret: { kind: 'password', password: 'pw\r\nDELE 1' },
        exceptions: []
      },
      ctx()
    )
    expect(r.diagnosis?.code).toBe('unsafe-characters')
    const sent = commands().slice(before)
    expect(sent).not.toContain('DELE 1')
    expect(sent.some((l) => l.startsWith('PASS'))).toBe(false)
  })
})
