// Findings 1 and 3: where `mail-setup verify` may send the password. A test world with its
// own DNS, web servers (plain HTTP for the autoconfig an on-path attacker answers, HTTPS for the
// domains' own autoconfig and Autodiscover, counting Authorization headers), and IMAP/SMTP
// servers with valid certificates that record what they receive.
// The proof is on the server side: what the mail and web servers saw.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocLoopback } from '../world'
import { imapScript, smtpScript } from '../fakes/scripts'
import type { Fake } from '../fakes/server'
import { startWorld, type World } from '../world/compose'
import { startWeb, xmlReply, type Web } from '../world/web'

const PASSWORD = 'Consent-Only-Pa55'
const b64 = (s: string): string => Buffer.from(s).toString('base64')

let w: World
let mail: { imap: Fake; smtp: Fake }
let web: Web
/** What the web servers were asked, in order. */
const hits = () =>
  web.log.map((h) => ({
    scheme: h.scheme,
    host: h.host,
    path: h.url.split('?')[0]!,
    authorization: h.headers.authorization
  }))

function autoconfig(domain: string, host: string): string {
  return `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="${domain}"><domain>${domain}</domain>
<incomingServer type="imap"><hostname>${host}</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>${host}</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
}

function autodiscover(host: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action>
<Protocol><Type>IMAP</Type><Server>${host}</Server><Port>993</Port><SSL>on</SSL><SPA>off</SPA></Protocol><Protocol><Type>SMTP</Type><Server>${host}</Server><Port>465</Port><SSL>on</SSL><SPA>off</SPA></Protocol></Account></Response></Autodiscover>`
}

const AD_PATH = '/autodiscover/autodiscover.xml'
const AC_PATH = '/mail/config-v1.1.xml'
/** Whether the mail servers received the password, decrypted: as text or inside a base64 SASL token. */
function mailSawPassword(): boolean {
  const text = mail.imap.all() + mail.smtp.all()
  return (
    text.includes(PASSWORD) ||
    text
      .split(/\s+/)
      .some((t) => /^[A-Za-z0-9+/]{8,}={0,2}$/.test(t) && Buffer.from(t, 'base64').toString('utf8').includes(PASSWORD))
  )
}

beforeAll(async () => {
  w = await startWorld(inject('bench'))
  // The attacker's mail host has a valid certificate for its own name.
  const mailHost = 'mail.attacker.test'
  const tls = await w.cert([mailHost, 'mail.exch.test', 'mail.honest.test'])
  const ip = allocLoopback()
  const imap = await w.fake(mailHost, {
    host: ip,
    port: 993,
    tls,
    handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
  })
  const smtp = await w.fake(mailHost, { host: ip, port: 465, tls, handler: smtpScript({ ehlo: ['AUTH PLAIN LOGIN'] }) })
  mail = { imap, smtp }
  for (const n of ['mail.exch.test', 'mail.honest.test']) w.dns.set(n, 'A', [ip])

  web = await startWeb(w, ['plain.test', 'honest.test', 'exch.test'])
  web.host(
    'plain.test',
    'autoconfig.plain.test',
    'autodiscover.plain.test',
    'honest.test',
    'autoconfig.honest.test',
    'autodiscover.honest.test',
    'exch.test',
    'autodiscover.exch.test'
  )

  // plain.test: only plain-HTTP autoconfig answers, naming the attacker's host.
  web.serve('http', 'autoconfig.plain.test', AC_PATH, xmlReply(autoconfig('plain.test', mailHost)))
  // honest.test: HTTPS autoconfig answers; its web server would also take Autodiscover POSTs.
  web.serve('https', 'autoconfig.honest.test', AC_PATH, xmlReply(autoconfig('honest.test', 'mail.honest.test')))
  // exch.test: Exchange Autodiscover that answers only with the mailbox's credentials.
  web.serve('https', 'autodiscover.exch.test', AD_PATH, (h) =>
    h.headers.authorization === `Basic ${b64(`u@exch.test:${PASSWORD}`)}`
      ? xmlReply(autodiscover('mail.exch.test'))
      : { status: 401 }
  )
})

afterAll(async () => {
  await w?.stop()
})

const verify = (address: string, ...extra: string[]) =>
  w.cli(['verify', address, '--password-stdin', '--no-save', '--deadline', '4', ...extra], { stdin: PASSWORD })

describe('finding 1: no password where nothing vouches for the server', () => {
  it('plain-HTTP autoconfig only: exit 6, names what is untrusted and why, the mail server never sees the password', async () => {
    const before = { imap: mail.imap.connections, smtp: mail.smtp.connections }
    const res = await verify('u@plain.test', '--json')
    expect(res.code).toBe(6)
    const doc = JSON.parse(res.stdout)
    expect(doc).toMatchObject({
      ok: false,
      exitCode: 6,
      error: {
        code: 'settings-unconfirmed',
        params: {
          source: 'autoconfig-http',
          reason: 'plain-http',
          servers: 'mail.attacker.test:993, mail.attacker.test:465'
        }
      }
    })
    expect(doc.error.params.subject).toContain('http://autoconfig.plain.test/mail/config-v1.1.xml')
    // Server side: not even a connection, let alone the password.
    expect({ imap: mail.imap.connections, smtp: mail.smtp.connections }).toEqual(before)
    expect(mailSawPassword()).toBe(false)
  })

  it('the human output says the same in words', async () => {
    const human = await verify('u@plain.test')
    expect(human.code).toBe(6)
    expect(human.stderr).toContain('Nothing vouches for these settings [settings-unconfirmed]')
    expect(human.stderr).toContain('mail.attacker.test:993')
    expect(human.stderr).toContain('unprotected connection (http://autoconfig.plain.test')
  })

  it('with --accept-untrusted the user consented: the password goes there (the world would have caught it)', async () => {
    const res = await verify('u@plain.test', '--accept-untrusted')
    expect(res.stderr).toContain(
      'Warning: using settings nothing vouches for (--accept-untrusted): from autoconfig-http'
    )
    expect(res.code).toBe(0)
    expect(mailSawPassword()).toBe(true)
  })
})

describe('finding 3: Autodiscover gets credentials only after an HTTPS 401 within the domain', () => {
  it('never to a domain whose HTTPS autoconfig answered, nor to one that never asked', async () => {
    const start = web.log.length
    const res = await verify('u@honest.test')
    expect(res.code).toBe(0)
    const seen = hits().slice(start)
    // Autodiscover was asked (its POSTs reached the domain's web server), without credentials.
    expect(seen.filter((h) => h.path === AD_PATH).length).toBeGreaterThanOrEqual(2)
    expect(seen.filter((h) => h.authorization)).toEqual([])
  })

  it('Exchange: the first request carries nothing, the password follows the 401 of the in-domain host only', async () => {
    const start = web.log.length
    const res = await verify('u@exch.test', '--json')
    expect(res.code).toBe(0)
    expect(JSON.parse(res.stdout).result.verify.incoming.settings).toMatchObject({ host: 'mail.exch.test', port: 993 })
    const seen = hits().slice(start)
    const withAuth = seen.filter((h) => h.authorization)
    expect(withAuth.map((h) => `${h.scheme}://${h.host}${h.path}`)).toEqual([
      `https://autodiscover.exch.test${AD_PATH}`
    ])
    // Every credentialed request came after a bare one from the same URL that got a 401.
    const firstAuth = seen.indexOf(withAuth[0]!)
    expect(seen.slice(0, firstAuth).some((h) => h.host === 'autodiscover.exch.test' && !h.authorization)).toBe(true)
    expect(
      seen.filter((h) => h.scheme === 'http' || !h.host.endsWith('exch.test')).filter((h) => h.authorization)
    ).toEqual([])
  })
})
