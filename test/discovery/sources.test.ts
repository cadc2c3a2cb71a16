// Every discovery source finds its answer against real DNS and HTTPS/HTTP servers, and the
// orchestrator ranks them: builtin/local > HTTPS autoconfig/ISPDB > SRV > Autodiscover >
// MX-derived > plain HTTP > guess, trusted before confirm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  autoconfigXml,
  autodiscoverXml,
  publishPacc,
  discoveryWorld,
  writeLocal,
  xmlReply,
  type DiscoveryWorld as World
} from './discovery'
import { SOURCES } from '../../src/main/discovery'
import { builtSecureContext } from '../../src/main/net/trust'
import type { Dns } from '../../src/main/net/dns'

const D = 'good.example'
let world: World

beforeAll(async () => {
  world = await discoveryWorld([
    D,
    'hoster.example',
    'world.example',
    'dup.example',
    'srv.example',
    'guess.example',
    'contoso.example'
  ])
  world.host(D, `autoconfig.${D}`, `autodiscover.${D}`, 'hoster.example', 'autoconfig.hoster.example')
  // Each source answers with its own host names so nothing merges and the order is visible.
  await writeLocal(world, D, autoconfigXml({ domain: D, imap: `local.${D}`, smtp: `local.${D}` }))
  world.serve(
    'https',
    `autoconfig.${D}`,
    '/mail/config-v1.1.xml',
    xmlReply(autoconfigXml({ domain: D, imap: `https.${D}`, smtp: `https.${D}` }))
  )
  world.serve(
    'http',
    `autoconfig.${D}`,
    '/mail/config-v1.1.xml',
    xmlReply(autoconfigXml({ domain: D, imap: `http.${D}`, smtp: `http.${D}` }))
  )
  publishPacc(world, D, {
    protocols: { imap: { host: `pacc.${D}` }, submit: { host: `pacc.${D}` } },
    authentication: { password: true }
  })
  world.serve(
    'https',
    'ispdb.world.example',
    `/v1.1/${D}`,
    xmlReply(autoconfigXml({ domain: D, imap: `ispdb.${D}`, smtp: `ispdb.${D}` }))
  )
  world.dns.set(`_imaps._tcp.${D}`, 'SRV', [{ target: `srv.${D}`, port: 993, priority: 0, weight: 1 }])
  world.dns.set(`_submission._tcp.${D}`, 'SRV', [{ target: `srv.${D}`, port: 587, priority: 0, weight: 1 }])
  world.serve(
    'https',
    D,
    '/autodiscover/autodiscover.xml',
    xmlReply(
      autodiscoverXml([
        { Type: 'IMAP', Server: `exchange.${D}`, Port: '993', SSL: 'on', SPA: 'off' },
        { Type: 'SMTP', Server: `exchange.${D}`, Port: '587', SSL: 'on', Encryption: 'TLS', SPA: 'off' }
      ])
    )
  )
  world.dns.set(D, 'MX', [
    { exchange: 'mx2.hoster.example', priority: 20 },
    { exchange: 'mx1.hoster.example', priority: 10 }
  ])
  world.serve(
    'https',
    'ispdb.world.example',
    '/v1.1/hoster.example',
    xmlReply(autoconfigXml({ domain: 'hoster.example', imap: 'imap.hoster.example', smtp: 'smtp.hoster.example' }))
  )
  world.host(`imap.${D}`, `smtp.${D}`)
})

afterAll(() => world?.stop())

describe('every source', () => {
  it('finds its candidate, and they come out ranked with their trust', async () => {
    const run = await world.run(`Jane+news@${D}`)
    const states = Object.fromEntries(run.result.sources.map((s) => [s.source, s.state]))
    expect(states).toEqual({
      builtin: 'nothing',
      'local-file': 'found',
      'autoconfig-https': 'found',
      pacc: 'found',
      ispdb: 'found',
      srv: 'found',
      autodiscover: 'found',
      mx: 'found',
      'autoconfig-http': 'found',
      guess: 'found'
    })
    const order = run.result.candidates.map(
      (c) => `${c.source}:${c.incoming[0]?.host}:${c.trust.level}:${c.trust.reason}`
    )
    expect(order).toEqual([
      `local-file:local.${D}:trusted:local-file`,
      `pacc:pacc.${D}:trusted:pacc-digest`,
      `autoconfig-https:https.${D}:trusted:https-in-domain`,
      `ispdb:ispdb.${D}:trusted:ispdb`,
      `srv:srv.${D}:trusted:srv-in-domain`,
      `autodiscover:exchange.${D}:trusted:https-in-domain`,
      'mx:imap.hoster.example:confirm:mx-other-domain',
      `autoconfig-http:http.${D}:confirm:plain-http`,
      `guess:imap.${D}:confirm:guess`
    ])
    // Scores strictly decrease and every candidate was streamed before the result.
    const scores = run.result.candidates.map((c) => c.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(new Set(run.candidates.map((c) => c.id))).toEqual(new Set(run.result.candidates.map((c) => c.id)))
    // started came first for every source, then exactly one final state.
    for (const s of run.result.sources) {
      const mine = run.reports.filter((r) => r.source === s.source).map((r) => r.state)
      expect(mine).toEqual(['started', s.state])
    }
  })

  it('expands placeholders and keeps +tag in usernames and in the autoconfig query', async () => {
    const run = await world.run(`  Jane+news@GOOD.example `)
    const https = run.result.candidates.find((c) => c.source === 'autoconfig-https')!
    expect(https.incoming[0]!.username).toBe(`Jane+news@${D}`)
    const asked = world.log.filter((l) => l.host === `autoconfig.${D}` && l.scheme === 'https').at(-1)!
    expect(new URL(asked.url, 'https://x').searchParams.get('emailaddress')).toBe(`Jane+news@${D}`)
    expect(run.result.address).toBe(`Jane+news@${D}`)
  })

  it('picks the MX of lowest preference, and looks up its parent domain', async () => {
    const run = await world.run(`a@${D}`)
    expect(run.report('mx')!.detail).toContain('mx1.hoster.example')
    expect(run.report('mx')!.detail).toContain('hoster.example')
    const mx = run.result.candidates.find((c) => c.source === 'mx')!
    expect(mx.trust).toMatchObject({ level: 'confirm', reason: 'mx-other-domain', subject: 'mx1.hoster.example' })
  })

  it('merges duplicates, keeping the best source', async () => {
    const d = 'dup.example'
    world.host(`autoconfig.${d}`)
    const same = autoconfigXml({ domain: d, imap: `mail.${d}`, smtp: `mail.${d}` })
    world.serve('https', `autoconfig.${d}`, '/mail/config-v1.1.xml', xmlReply(same))
    world.serve('http', `autoconfig.${d}`, '/mail/config-v1.1.xml', xmlReply(same))
    world.serve('https', 'ispdb.world.example', `/v1.1/${d}`, xmlReply(same))
    const run = await world.run(`x@${d}`)
    expect(run.report('autoconfig-http')!.state).toBe('found')
    expect(run.report('ispdb')!.state).toBe('found')
    const withMail = run.result.candidates.filter((c) => c.incoming[0]?.host === `mail.${d}`)
    expect(withMail).toHaveLength(1)
    expect(withMail[0]!.source).toBe('autoconfig-https')
    expect(withMail[0]!.trust.level).toBe('trusted')
  })
})

describe('no waiting on ourselves', () => {
  it('sources without network work answer before any network source starts', async () => {
    const networked = new Set(SOURCES.filter((s) => s.network).map((s) => s.id))
    // gmail.com: the built-in table answers from memory; local-file looks in the folders.
    for (const address of [`jane@${D}`, 'jane@gmail.com']) {
      const run = await world.run(address)
      const firstNetwork = run.reports.findIndex((r) => r.state === 'started' && networked.has(r.source))
      expect(firstNetwork).toBeGreaterThan(0)
      const local = run.reports.findIndex((r) => r.source === 'local-file' && r.state !== 'started')
      expect(local).toBeGreaterThanOrEqual(0)
      expect(local).toBeLessThan(firstNetwork)
      if (address.endsWith('gmail.com')) {
        const builtin = run.reports.findIndex((r) => r.source === 'builtin' && r.state === 'found')
        expect(builtin).toBeGreaterThanOrEqual(0)
        expect(builtin).toBeLessThan(firstNetwork)
      }
    }
  })

  it('every HTTPS source asks for its host before the TLS context is built; it is built while they wait', async () => {
    // A trust list of its own: contexts are kept per list, so none is built for it yet.
    const ca = [...world.ca]
    const asked = new Map<string, boolean>()
    const record =
      <A extends unknown[], R>(type: string, fn: (name: string, ...rest: A) => R) =>
      (name: string, ...rest: A): R => {
        if (!asked.has(`${type} ${name}`)) asked.set(`${type} ${name}`, builtSecureContext(ca) !== undefined)
        return fn(name, ...rest)
      }
    const d = world.appDns
    const dns: Dns = {
      ...d,
      resolve4: record('A', d.resolve4),
      resolve6: record('AAAA', d.resolve6),
      resolveMx: record('MX', d.resolveMx),
      resolveSrv: record('SRV', d.resolveSrv),
      resolveTxt: record('TXT', d.resolveTxt)
    }
    const run = await world.run(`jane@${D}`, { ca, dns })
    expect(run.report('autoconfig-https')?.state).toBe('found')
    expect(run.report('ispdb')?.state).toBe('found')
    // The hosts of the online ISPDB (asked by a source without network work, in the first turn),
    // of autoconfig, PACC and Autodiscover.
    for (const host of ['ispdb.world.example', `autoconfig.${D}`, `ua-auto-config.${D}`, D])
      expect({ host, contextBuilt: asked.get(`A ${host}`) }).toEqual({ host, contextBuilt: false })
    expect(builtSecureContext(ca)).toBeDefined()
  })
})

describe('built-in providers', () => {
  it('matches a provider domain without the network', async () => {
    const run = await world.run('someone@googlemail.com', { offline: true })
    const c = run.result.candidates[0]!
    expect(c).toMatchObject({ source: 'builtin', providerId: 'gmail', trust: { level: 'trusted', reason: 'builtin' } })
    expect(c.incoming.map((s) => `${s.protocol}:${s.host}:${s.port}:${s.security}`)).toEqual([
      'imap:imap.gmail.com:993:tls',
      'pop3:pop.gmail.com:995:tls'
    ])
    expect(c.outgoing[0]).toMatchObject({
      host: 'smtp.gmail.com',
      port: 465,
      security: 'tls',
      username: 'someone@googlemail.com'
    })
    expect(c.oauth2?.issuer).toBe('accounts.google.com')
  })

  it('iCloud offers no POP', async () => {
    const run = await world.run('me@mac.com', { offline: true })
    const c = run.result.candidates[0]!
    expect(c.providerId).toBe('icloud')
    expect(c.incoming.map((s) => s.protocol)).toEqual(['imap'])
    expect(c.outgoing[0]).toMatchObject({ host: 'smtp.mail.me.com', port: 587, security: 'starttls' })
  })

  it('recognises a Microsoft 365 custom domain by its MX', async () => {
    world.dns.set('contoso.example', 'MX', [{ exchange: 'contoso-example.mail.protection.outlook.com', priority: 0 }])
    const run = await world.run('ceo@contoso.example')
    const c = run.result.candidates[0]!
    expect(c).toMatchObject({
      source: 'builtin',
      providerId: 'microsoft365',
      trust: { level: 'trusted', reason: 'mx-known-provider' }
    })
    expect(c.incoming[0]).toMatchObject({
      host: 'outlook.office365.com',
      port: 993,
      username: 'ceo@contoso.example',
      auth: ['oauth2']
    })
    expect(c.outgoing[0]).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls' })
    expect(c.oauth2?.issuer).toBe('login.microsoftonline.com')
  })

  it('recognises a Google Workspace domain by its MX', async () => {
    world.dns.set('contoso.example', 'MX', [
      { exchange: 'aspmx.l.google.com', priority: 1 },
      { exchange: 'alt1.aspmx.l.google.com', priority: 5 }
    ])
    const run = await world.run('ceo@contoso.example')
    expect(run.result.candidates[0]).toMatchObject({
      source: 'builtin',
      providerId: 'gmail',
      trust: { reason: 'mx-known-provider', subject: 'aspmx.l.google.com' }
    })
  })

  it('turns every network source off when offline', async () => {
    await writeLocal(
      world,
      'offline.example',
      autoconfigXml({ domain: 'offline.example', imap: 'imap.offline.example' })
    )
    const before = world.log.length
    const queries = world.dns.queries.length
    const run = await world.run('u@offline.example', { offline: true })
    expect(run.report('local-file')!.state).toBe('found')
    for (const s of [
      'autoconfig-https',
      'autoconfig-http',
      'pacc',
      'ispdb',
      'mx',
      'srv',
      'autodiscover',
      'guess'
    ] as const) {
      expect(run.report(s)).toMatchObject({ state: 'skipped', reason: 'offline' })
    }
    expect(world.log.length).toBe(before)
    expect(world.dns.queries.length).toBe(queries)
  })
})

describe('SRV (RFC 6186 / 8314)', () => {
  const d = 'srv.example'
  it('orders by priority, then implicit TLS, then weight; "." is not offered', async () => {
    world.dns.set(`_imap._tcp.${d}`, 'SRV', [{ target: `imap1.${d}`, port: 143, priority: 0, weight: 0 }])
    world.dns.set(`_imaps._tcp.${d}`, 'SRV', [
      { target: `light.${d}`, port: 993, priority: 0, weight: 10 },
      { target: `heavy.${d}`, port: 993, priority: 0, weight: 90 },
      { target: `backup.${d}`, port: 993, priority: 5, weight: 100 }
    ])
    world.dns.set(`_pop3s._tcp.${d}`, 'SRV', [{ target: '.', port: 0, priority: 0, weight: 0 }])
    world.dns.set(`_submissions._tcp.${d}`, 'SRV', [{ target: `smtp.${d}`, port: 465, priority: 1, weight: 0 }])
    world.dns.set(`_submission._tcp.${d}`, 'SRV', [{ target: `smtp.${d}`, port: 587, priority: 0, weight: 0 }])
    const run = await world.run(`u@${d}`)
    const c = run.result.candidates.find((x) => x.source === 'srv')!
    expect(c.incoming.map((s) => `${s.host}:${s.port}:${s.security}`)).toEqual([
      `heavy.${d}:993:tls`,
      `light.${d}:993:tls`,
      `imap1.${d}:143:starttls`,
      `backup.${d}:993:tls`
    ])
    expect(c.incoming.some((s) => s.protocol === 'pop3')).toBe(false)
    expect(c.outgoing.map((s) => `${s.port}:${s.security}`)).toEqual(['587:starttls', '465:tls'])
    expect(c.trust).toMatchObject({ level: 'trusted', reason: 'srv-in-domain' })
  })

  it('needs confirmation when a target lies outside the domain', async () => {
    world.dns.set(`_imaps._tcp.${d}`, 'SRV', [{ target: 'imap.elsewhere.example', port: 993, priority: 0, weight: 0 }])
    const run = await world.run(`u@${d}`)
    const c = run.result.candidates.find((x) => x.source === 'srv')!
    expect(c.trust).toMatchObject({ level: 'confirm', reason: 'srv-other-domain', subject: 'imap.elsewhere.example' })
  })

  it('reports "not offered" when every service is "."', async () => {
    const e = 'nosrv.example'
    for (const l of ['_imaps', '_imap', '_submission'])
      world.dns.set(`${l}._tcp.${e}`, 'SRV', [{ target: '.', port: 0 }])
    const run = await world.run(`u@${e}`)
    expect(run.report('srv')).toMatchObject({ state: 'nothing', reason: 'not-offered' })
  })
})

describe('guessing', () => {
  it('keeps only names that exist, and connects to none of them', async () => {
    const d = 'guess.example'
    world.host(`mail.${d}`)
    // smtp.guess.example lives on the silent host: any connection attempt would show there.
    world.silent(`smtp.${d}`)
    const before = world.log.length
    const run = await world.run(`u@${d}`)
    const c = run.result.candidates.find((x) => x.source === 'guess')!
    expect(c.trust).toMatchObject({ level: 'confirm', reason: 'guess' })
    expect(new Set(c.incoming.map((s) => s.host))).toEqual(new Set([`mail.${d}`]))
    expect(c.incoming.map((s) => `${s.protocol}:${s.port}`)).toEqual(['imap:993', 'imap:143', 'pop3:995', 'pop3:110'])
    // Port 25 is among the guesses; verification tries it only when 465 and 587 gave no answer.
    expect(c.outgoing.map((s) => `${s.host}:${s.port}`)).toEqual([
      `smtp.${d}:465`,
      `smtp.${d}:587`,
      `smtp.${d}:25`,
      `mail.${d}:465`,
      `mail.${d}:587`,
      `mail.${d}:25`
    ])
    expect([...c.incoming, ...c.outgoing].every((s) => s.guessed && s.usernameGuessed)).toBe(true)
    expect([...c.incoming, ...c.outgoing].every((s) => s.security !== 'plain')).toBe(true)
    expect(
      world.log
        .slice(before)
        .filter(
          (l) =>
            l.host.endsWith(d) && !l.host.startsWith('autoconfig') && !l.host.startsWith('autodiscover') && l.host !== d
        )
    ).toEqual([])
    // Only address lookups were asked for the guessed names.
    const asked = world.dns.queries.filter((q) => /^(imap|pop|pop3|mail|smtp)\.guess\.example /.test(q))
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.every((q) => / (A|AAAA)$/.test(q))).toBe(true)
  })
})
