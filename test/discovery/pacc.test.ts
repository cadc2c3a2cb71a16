// PACC (draft-ietf-mailmaint-pacc) against the real DNS server and HTTPS with the bench CA:
// a domain publishing only PACC is found, trusted and verified against Dovecot through the
// API; a wrong or missing digest refuses the file with its reason.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { createServices } from '../../src/main/services'
import { checkDigest, parseUaacRecord } from '../../src/main/discovery/sources/pacc'
import type { DiscoveryResult } from '../../src/shared/domain'
import type { VerifyResult } from '../../src/shared/verify'
import { publishPacc, discoveryWorld, type DiscoveryWorld as World } from './discovery'

const bench = inject('bench')
const B = bench.domain
let world: World

const doc = (host: string, extra: Record<string, unknown> = {}) => ({
  protocols: {
    imap: { host },
    pop3: { host },
    submit: { host },
    jmap: { url: `https://jmap.${B}/session` },
    caldav: { url: `https://dav.${B}/calendars/` },
    carddav: { url: `https://dav.${B}/contacts/` },
    // Something a later version adds: ignored.
    sieve: { host }
  },
  authentication: { password: true, 'oauth-public': { issuer: `https://login.${B}` } },
  info: {
    provider: {
      name: 'Bench Mail',
      shortName: 'Bench',
      logo: [{ url: `https://www.${B}/logo.svg`, 'content-type': 'image/svg+xml' }]
    },
    help: { documentation: `https://help.${B}/mail`, contact: ['mailto:help@bench.test'] }
  },
  ...extra
})

beforeAll(async () => {
  world = await discoveryWorld([B, 'wrong.example', 'nodigest.example', 'none.example', 'prm.example', 'prm2.example'])
  world.dns.set(bench.mailHost, 'A', [bench.mailAddress])
})
afterAll(() => world?.stop())

describe('the TXT record', () => {
  const digest = Buffer.alloc(32, 7).toString('base64')
  it('reads tags in any order, with spaces, unknown tags and case in names', () => {
    expect(parseUaacRecord(`a=sha256;  x=future ; D = ${digest} ;v=UAAC1`)?.digest.length).toBe(32)
    expect(parseUaacRecord(`V=uaac1;A=SHA256;d=${digest}`)).toBeDefined()
  })
  it('refuses other versions, algorithms and digests of the wrong size', () => {
    expect(parseUaacRecord(`v=UAAC2; a=sha256; d=${digest}`)).toBeUndefined()
    expect(parseUaacRecord(`v=UAAC1; a=sha1; d=${digest}`)).toBeUndefined()
    expect(parseUaacRecord(`v=UAAC1; a=sha256; d=${Buffer.alloc(20).toString('base64')}`)).toBeUndefined()
    expect(parseUaacRecord('v=spf1 -all')).toBeUndefined()
  })
  it('joins the character-strings of one record, and any of several records may match', () => {
    const body = Buffer.from('{"protocols":{}}')
    const d = hash(body)
    expect(checkDigest(body, [['v=spf1 -all'], [`v=UAAC1; a=sha256; d=${digest}`], ['v=UAAC1; a=sha256; d=', d]])).toBe(
      'match'
    )
    expect(checkDigest(body, [[`v=UAAC1; a=sha256; d=${digest}`]])).toBe('mismatch')
    expect(checkDigest(body, [['v=spf1 -all']])).toBe('no-record')
  })
})

describe('PACC discovery', () => {
  it('finds, trusts and verifies a domain that publishes only PACC', async () => {
    const body = publishPacc(world, B, doc(bench.mailHost), {
      txt: [['v=spf1 -all'], ['v=UAAC1; a=sha256; d=AAAA'], [' a=sha256 ; v=UAAC1; note=rollover; d=', hash(body0())]]
    })
    expect(body.equals(body0())).toBe(true)
    const services = {
      ...createServices({ ...world.config, extraCaPem: [bench.ca.certPem] }),
      dns: world.appDns,
      ca: [...world.ca]
    }
    const handlers = createHandlers(services, { door: 'cli', version: 'test', emit: () => undefined })
    const res = await dispatch(handlers, 'discover', {
      runId: 'p1',
      address: bench.users.alice.address,
      deadlineMs: 4000
    })
    expect(res.ok).toBe(true)
    const result = (res as { value: DiscoveryResult }).value
    expect(result.sources.find((s) => s.source === 'pacc')?.state).toBe('found')
    const best = result.candidates[0]!
    expect(best.source).toBe('pacc')
    expect(best.trust).toEqual({
      level: 'trusted',
      reason: 'pacc-digest',
      subject: `https://ua-auto-config.${B}/.well-known/user-agent-configuration.json`
    })
    expect(best.incoming.map((s) => `${s.protocol}:${s.host}:${s.port}:${s.security}:${s.username}`)).toEqual([
      `imap:${bench.mailHost}:993:tls:${bench.users.alice.address}`,
      `pop3:${bench.mailHost}:995:tls:${bench.users.alice.address}`
    ])
    expect(best.outgoing.map((s) => `${s.protocol}:${s.port}:${s.security}`)).toEqual(['smtp:465:tls'])
    expect(best.incoming[0]!.auth).toEqual(['oauth2', 'password-cleartext'])
    expect(best.oauth2?.issuer).toBe(`https://login.${B}`)
    expect(best.services).toEqual({
      jmap: `https://jmap.${B}/session`,
      caldav: `https://dav.${B}/calendars/`,
      carddav: `https://dav.${B}/contacts/`
    })
    expect(best.providerName).toBe('Bench Mail')
    expect(best.logoUrl).toBe(`https://www.${B}/logo.svg`)
    expect(best.documentationUrl).toBe(`https://help.${B}/mail`)

    // The candidate as found, verified against Dovecot with the password.
    const settings = (s: (typeof best.incoming)[number]) => ({ ...s, auth: ['password-cleartext'] })
    const v = await dispatch(handlers, 'verify', {
      runId: 'p1v',
      address: bench.users.alice.address,
      incoming: [settings(best.incoming[0]!)],
      outgoing: best.outgoing.map(settings),
      credentials: { kind: 'password', password: bench.users.alice.password }
    })
    expect(v.ok).toBe(true)
    const verified = (v as { value: VerifyResult }).value
    expect(verified.diagnosis).toBeUndefined()
    expect([verified.incoming?.state, verified.outgoing?.state]).toEqual(['ok', 'ok'])
  })

  it('refuses a file whose digest does not match, and says why', async () => {
    publishPacc(world, 'wrong.example', doc('mail.wrong.example'), {
      txt: [`v=UAAC1; a=sha256; d=${hash(Buffer.from('another body'))}`]
    })
    const run = await world.run('u@wrong.example')
    expect(run.report('pacc')).toMatchObject({ state: 'failed', reason: 'pacc-digest-mismatch' })
    expect(run.report('pacc')?.detail).toContain('_ua-auto-config.wrong.example')
    expect(run.result.candidates.some((c) => c.source === 'pacc')).toBe(false)
  })

  it('refuses a file the domain publishes no digest for', async () => {
    publishPacc(world, 'nodigest.example', doc('mail.nodigest.example'), { txt: ['v=spf1 -all'] })
    const run = await world.run('u@nodigest.example')
    expect(run.report('pacc')).toMatchObject({ state: 'failed', reason: 'pacc-no-digest' })
    expect(run.result.candidates.some((c) => c.source === 'pacc')).toBe(false)
  })

  it("takes the issuer from the JMAP resource's RFC 9728 metadata when the file names none, if it names that resource", async () => {
    for (const [d, resource] of [
      ['prm.example', 'https://jmap.prm.example/session'],
      ['prm2.example', 'https://elsewhere.example/session']
    ] as const) {
      publishPacc(world, d, {
        protocols: { imap: { host: `mail.${d}` }, jmap: { url: `https://jmap.${d}/session` } },
        authentication: { password: true }
      })
      world.host(`jmap.${d}`)
      world.serve('https', `jmap.${d}`, '/.well-known/oauth-protected-resource/session', {
        status: 200,
        type: 'application/json',
        body: JSON.stringify({ resource, authorization_servers: [`https://login.${d}`] })
      })
    }
    const [ok, foreign] = [await world.run('u@prm.example'), await world.run('u@prm2.example')]
    const c = ok.result.candidates.find((x) => x.source === 'pacc')!
    expect(c.oauth2).toEqual({ issuer: 'https://login.prm.example', scope: '' })
    expect(c.incoming[0]!.auth).toEqual(['oauth2', 'password-cleartext'])
    // A document about another resource is not this one's: no issuer from it.
    expect(foreign.result.candidates.find((x) => x.source === 'pacc')!.oauth2).toBeUndefined()
  })

  it('reports nothing for a domain without PACC', async () => {
    const run = await world.run('u@none.example')
    expect(run.report('pacc')?.state).toBe('nothing')
  })
})

function body0(): Buffer {
  return Buffer.from(JSON.stringify(doc(bench.mailHost), null, 2))
}

function hash(b: Buffer): string {
  return createHash('sha256').update(b).digest('base64')
}
