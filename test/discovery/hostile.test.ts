// Bad input and hostile answers: each failure is reported by its source with a reason code
// and never stops the others; a silent server is cut off at the deadline; the password never
// reaches an autoconfig URL and reaches Autodiscover only over HTTPS inside the domain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoconfigHttpsSource } from '../../src/main/discovery/sources/autoconfig-web'
import { ispdbSource } from '../../src/main/discovery/sources/ispdb'
import {
  autoconfigXml,
  autodiscoverXml,
  discoveryWorld,
  xmlReply,
  type Reply,
  type DiscoveryWorld as World
} from './discovery'

let world: World

const MODES: Array<{ name: string; reply: (d: string) => Reply; state: 'failed' | 'nothing'; reason: string }> = [
  {
    name: 'invalid XML',
    reply: () => xmlReply('<clientConfig><emailProvider></clientConfig>'),
    state: 'failed',
    reason: 'bad-xml'
  },
  {
    name: 'entity bomb (DTD)',
    reply: () =>
      xmlReply(
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><clientConfig>&lol2;</clientConfig>`
      ),
    state: 'failed',
    reason: 'xml-dtd'
  },
  {
    name: 'external entity',
    reply: () => xmlReply('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><clientConfig>&e;</clientConfig>'),
    state: 'failed',
    reason: 'xml-dtd'
  },
  {
    name: 'oversize body',
    reply: (d) =>
      xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}`, extra: `<!-- ${'x'.repeat(600 * 1024)} -->` })),
    state: 'failed',
    reason: 'too-large'
  },
  {
    name: 'wrong content type',
    reply: (d) => xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}` }), 'text/html'),
    state: 'failed',
    reason: 'bad-content-type'
  },
  { name: '404', reply: () => ({ status: 404, type: 'text/plain', body: 'no' }), state: 'nothing', reason: 'http-404' },
  {
    name: '5xx',
    reply: () => ({ status: 503, type: 'text/plain', body: 'down' }),
    state: 'failed',
    reason: 'http-5xx'
  },
  {
    name: 'not an autoconfig document',
    reply: () => xmlReply('<html><body>hello</body></html>'),
    state: 'failed',
    reason: 'not-autoconfig'
  }
]

const slug = (s: string): string =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
const domains = MODES.map((m) => `${slug(m.name)}.example`)

beforeAll(async () => {
  world = await discoveryWorld([
    ...domains,
    'world.example',
    'loop.example',
    'down.example',
    'slow.example',
    'mixed.example',
    'ad.example',
    'adhost.example',
    'corp.example',
    'redir.example'
  ])
})
afterAll(() => world?.stop())

describe('each failure, per source, while the others still answer', () => {
  for (const [i, mode] of MODES.entries()) {
    const d = domains[i]!
    it(`HTTPS autoconfig: ${mode.name}`, async () => {
      world.host(`autoconfig.${d}`, d)
      world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', mode.reply(d))
      world.serve('https', d, '/.well-known/autoconfig/mail/config-v1.1.xml', mode.reply(d))
      // ISPDB has a good answer: the broken source must not stop it.
      world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(autoconfigXml({ domain: d, imap: `ok.${d}` })))
      const run = await world.run(`u@${d}`)
      expect(run.report('autoconfig-https')).toMatchObject({ state: mode.state, reason: mode.reason })
      expect(run.report('ispdb')).toMatchObject({ state: 'found' })
      expect(run.result.candidates[0]!.incoming[0]!.host).toBe(`ok.${d}`)
    })

    it(`ISPDB: ${mode.name}`, async () => {
      world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, mode.reply(d))
      world.serve(
        'https',
        `autoconfig.${d}`,
        '/mail/config-v1.1.xml',
        xmlReply(autoconfigXml({ domain: d, imap: `ok.${d}` }))
      )
      const run = await world.run(`u@${d}`)
      expect(run.report('ispdb')).toMatchObject({ state: mode.state, reason: mode.reason })
      expect(run.report('autoconfig-https')).toMatchObject({ state: 'found' })
    })
  }

  it('redirect loop', async () => {
    const d = 'loop.example'
    world.host(`autoconfig.${d}`)
    world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', {
      status: 302,
      headers: { location: `https://autoconfig.${d}/a` }
    })
    world.serve('https', `autoconfig.${d}`, '/a', {
      status: 302,
      headers: { location: `https://autoconfig.${d}/mail/config-v1.1.xml?emailaddress=u%40${d}` }
    })
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(autoconfigXml({ domain: d, imap: `ok.${d}` })))
    const run = await world.run(`u@${d}`)
    expect(run.report('autoconfig-https')).toMatchObject({ state: 'failed', reason: 'redirect-loop' })
    expect(run.report('ispdb')!.state).toBe('found')
  })

  it('redirect from HTTPS to plain HTTP', async () => {
    const d = 'down.example'
    world.host(`autoconfig.${d}`)
    world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', {
      status: 301,
      headers: { location: `http://autoconfig.${d}/mail/config-v1.1.xml` }
    })
    world.serve(
      'http',
      `autoconfig.${d}`,
      '/mail/config-v1.1.xml',
      xmlReply(autoconfigXml({ domain: d, imap: `plain.${d}` }))
    )
    const run = await world.run(`u@${d}`)
    expect(run.report('autoconfig-https')).toMatchObject({ state: 'failed', reason: 'redirect-to-http' })
    // The plain-HTTP source may find the same file, but only as "confirm".
    const c = run.result.candidates.find((x) => x.incoming[0]?.host === `plain.${d}`)!
    expect(c).toMatchObject({ source: 'autoconfig-http', trust: { level: 'confirm', reason: 'plain-http' } })
  })

  it('a redirect to another domain over HTTPS needs confirmation', async () => {
    const d = 'redir.example'
    world.host(`autoconfig.${d}`, 'autoconfig.corp.example')
    world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', {
      status: 302,
      headers: { location: 'https://autoconfig.corp.example/shared.xml' }
    })
    world.serve(
      'https',
      'autoconfig.corp.example',
      '/shared.xml',
      xmlReply(autoconfigXml({ domain: d, imap: 'imap.corp.example' }))
    )
    const run = await world.run(`u@${d}`)
    const c = run.result.candidates.find((x) => x.source === 'autoconfig-https')!
    expect(c.trust).toMatchObject({
      level: 'confirm',
      reason: 'redirect-other-domain',
      subject: 'https://autoconfig.corp.example/shared.xml'
    })
  })

  it('a server that accepts and never answers is reported as timeout at the deadline; the others still report', async () => {
    const d = 'slow.example'
    world.silent(`autoconfig.${d}`, d)
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(autoconfigXml({ domain: d, imap: `ok.${d}` })))
    world.dns.set(`_imaps._tcp.${d}`, 'SRV', [{ target: `imap.${d}`, port: 993, priority: 0, weight: 0 }])
    const run = await world.run(`u@${d}`, { deadlineMs: 1500 })
    expect(run.report('autoconfig-https')).toMatchObject({ state: 'timeout', reason: 'deadline' })
    expect(run.report('autodiscover')).toMatchObject({ state: 'timeout' })
    expect(run.report('ispdb')!.state).toBe('found')
    expect(run.report('srv')!.state).toBe('found')
    expect(run.result.candidates.map((c) => c.source)).toEqual(expect.arrayContaining(['ispdb', 'srv']))
    // Nothing is reported after the result: the silent source is never awaited.
    const count = run.reports.length
    await new Promise((r) => setTimeout(r, 300))
    expect(run.reports.length).toBe(count)
  })

  it("a source's own timeout ends it before the global deadline", async () => {
    const d = 'slow.example'
    world.silent(`autoconfig.${d}`, d)
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(autoconfigXml({ domain: d, imap: `ok.${d}` })))
    const run = await world.run(`u@${d}`, {
      deadlineMs: 10_000,
      sources: [{ ...autoconfigHttpsSource, timeoutMs: 400 }, ispdbSource]
    })
    expect(run.report('autoconfig-https')).toMatchObject({ state: 'timeout', reason: 'source-timeout' })
    expect(run.report('ispdb')!.state).toBe('found')
    expect(run.result.sources).toHaveLength(2)
  })

  it('different failures in different sources of one run are each reported', async () => {
    const d = 'mixed.example'
    world.host(`autoconfig.${d}`, d)
    world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', xmlReply('<clientConfig'))
    world.serve(
      'http',
      `autoconfig.${d}`,
      '/mail/config-v1.1.xml',
      xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}` }), 'application/json')
    )
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, { status: 500, body: 'oops' })
    world.serve('https', d, '/autodiscover/autodiscover.xml', xmlReply('<!DOCTYPE a [<!ENTITY x "y">]><Autodiscover/>'))
    world.dns.set(`_submission._tcp.${d}`, 'SRV', [{ target: `smtp.${d}`, port: 587, priority: 0, weight: 0 }])
    const run = await world.run(`u@${d}`)
    expect(run.report('autoconfig-https')).toMatchObject({ state: 'failed', reason: 'bad-xml' })
    expect(run.report('autoconfig-http')).toMatchObject({ state: 'failed', reason: 'bad-content-type' })
    expect(run.report('ispdb')).toMatchObject({ state: 'failed', reason: 'http-5xx' })
    expect(run.report('autodiscover')).toMatchObject({ state: 'failed', reason: 'xml-dtd' })
    expect(run.report('srv')!.state).toBe('found')
    expect(run.report('mx')).toMatchObject({ state: 'nothing', reason: 'no-mx' })
  })
})

describe('the password', () => {
  const PASSWORD = 'S3cret-Pa55word!'
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  const leaks = (l: { url: string; headers: Record<string, unknown>; body: string }): boolean => {
    const all = `${l.url} ${JSON.stringify(l.headers)} ${l.body}`
    return (
      all.includes(PASSWORD) ||
      all.includes(encodeURIComponent(PASSWORD)) ||
      all.includes(b64(`u@ad.example:${PASSWORD}`).slice(0, 20))
    )
  }

  it('never reaches an autoconfig URL or the ISPDB; reaches Autodiscover only over HTTPS inside the domain', async () => {
    const d = 'ad.example'
    world.host(d, `autoconfig.${d}`, `autodiscover.${d}`, 'autodiscover.adhost.example', 'mail.adhost.example')
    world.serve(
      'https',
      `autoconfig.${d}`,
      '/mail/config-v1.1.xml',
      xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}` }))
    )
    world.serve(
      'http',
      `autoconfig.${d}`,
      '/mail/config-v1.1.xml',
      xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}` }))
    )
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(autoconfigXml({ domain: d, imap: `imap.${d}` })))
    // In-domain Autodiscover asks for credentials (so it fails), the HTTP GET redirects
    // to another domain, and SRV points to another domain too.
    world.serve('https', d, '/autodiscover/autodiscover.xml', { status: 401, body: '' })
    world.serve('https', `autodiscover.${d}`, '/autodiscover/autodiscover.xml', { status: 401, body: '' })
    world.serve('http', `autodiscover.${d}`, '/autodiscover/autodiscover.xml', {
      status: 302,
      headers: { location: 'https://autodiscover.adhost.example/autodiscover/autodiscover.xml' }
    })
    world.dns.set(`_autodiscover._tcp.${d}`, 'SRV', [
      { target: 'mail.adhost.example', port: 443, priority: 0, weight: 0 }
    ])
    const settings = autodiscoverXml([{ Type: 'IMAP', Server: 'imap.adhost.example', Port: '993', SSL: 'on' }])
    world.serve('https', 'autodiscover.adhost.example', '/autodiscover/autodiscover.xml', xmlReply(settings))
    world.serve('https', 'mail.adhost.example', '/autodiscover/autodiscover.xml', xmlReply(settings))
    const before = world.log.length
    const run = await world.run(`u@${d}`, { password: PASSWORD })
    const seen = world.log.slice(before)

    const auto = seen.filter((l) => l.url.includes('config-v1.1.xml') || l.host === 'ispdb.world.example')
    expect(auto.length).toBeGreaterThanOrEqual(3)
    expect(auto.filter(leaks)).toEqual([])

    const withCreds = seen.filter((l) => l.headers.authorization)
    expect(withCreds.map((l) => `${l.scheme}://${l.host}`).sort()).toEqual([
      `https://${d}`,
      `https://autodiscover.${d}`
    ])
    expect(withCreds.every((l) => l.headers.authorization === `Basic ${b64(`u@${d}:${PASSWORD}`)}`)).toBe(true)
    // Outside the domain, or over plain HTTP: no credentials at all.
    expect(seen.filter((l) => l.scheme === 'http' || !l.host.endsWith(d)).filter(leaks)).toEqual([])
    expect(seen.some((l) => l.host === 'autodiscover.adhost.example' && l.method === 'POST')).toBe(true)

    const c = run.result.candidates.find((x) => x.source === 'autodiscover')!
    expect(c.trust).toMatchObject({ level: 'confirm', reason: 'redirect-other-domain' })
    // Nothing the run reports carries the password.
    expect(JSON.stringify(run.result)).not.toContain(PASSWORD)
    expect(JSON.stringify(run.reports)).not.toContain(PASSWORD)
  })

  it('Autodiscover redirectAddr is followed, the password stays home', async () => {
    const d = 'corp.example'
    world.host(d, 'adhost.example')
    world.serve(
      'https',
      d,
      '/autodiscover/autodiscover.xml',
      xmlReply(
        `<?xml version="1.0"?><Autodiscover><Response><Account><Action>redirectAddr</Action><RedirectAddr>u@adhost.example</RedirectAddr></Account></Response></Autodiscover>`
      )
    )
    world.serve(
      'https',
      'adhost.example',
      '/autodiscover/autodiscover.xml',
      xmlReply(
        autodiscoverXml([
          { Type: 'POP3', Server: 'pop.adhost.example', Port: '995', SSL: 'on', SPA: 'off', LoginName: 'u-login' },
          { Type: 'SMTP', Server: 'smtp.adhost.example', Port: '587', SSL: 'on', AuthRequired: 'on', SPA: 'off' }
        ])
      )
    )
    const before = world.log.length
    const run = await world.run(`u@${d}`, { password: PASSWORD })
    const seen = world.log.slice(before)
    const toHost = seen.find((l) => l.host === 'adhost.example')!
    expect(toHost.body).toContain('<EMailAddress>u@adhost.example</EMailAddress>')
    expect(toHost.headers.authorization).toBeUndefined()
    const c = run.result.candidates.find((x) => x.source === 'autodiscover')!
    expect(c.incoming[0]).toMatchObject({
      protocol: 'pop3',
      host: 'pop.adhost.example',
      port: 995,
      security: 'tls',
      username: 'u-login',
      auth: ['password-cleartext']
    })
    expect(c.outgoing[0]).toMatchObject({
      host: 'smtp.adhost.example',
      port: 587,
      security: 'starttls',
      username: `u@${d}`
    })
    expect(c.trust.level).toBe('confirm')
  })
})
