// The success paths and the round trip against the bench's real Dovecot (IMAP, POP3,
// submission) and its SMTP sink delivering into it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { rootCertificates } from 'node:tls'
import { createDns } from '../../src/main/net/dns'
import { roundTrip, verify, type RoundTripStage } from '../../src/main/verify'
import type { Probe } from '../../src/shared/verify'
import { readMailbox, startDnsServer, type DnsServer } from '../world'
import { startFake, type Fake } from '../fakes/server'
import { FAST, settings } from './helpers'

const bench = inject('bench')
const alice = bench.users.alice
const ca = [...rootCertificates, bench.ca.certPem]
const dns = createDns({ dnsServers: [bench.dns.server] })
const host = bench.mailHost
const pw = { kind: 'password' as const, password: alice.password }
const s = (protocol: 'imap' | 'pop3' | 'smtp', port: number, security: 'tls' | 'starttls', h = host) =>
  settings(protocol, h, port, security, alice.address)

function ctx(probes: Probe[] = []) {
  return { dns, ca, signal: new AbortController().signal, onProbe: (p: Probe) => probes.push(p) }
}

describe('against real Dovecot', () => {
  const pairs = [
    [s('imap', 993, 'tls'), s('smtp', 465, 'tls')],
    [s('imap', 143, 'starttls'), s('smtp', 587, 'starttls')],
    [s('pop3', 995, 'tls'), undefined],
    [s('pop3', 110, 'starttls'), undefined]
  ] as const

  for (const [inc, out] of pairs) {
    it(`signs in to ${inc.protocol} ${inc.port}${out ? ` and smtp ${out.port}` : ''}`, async () => {
      const events: Probe[] = []
      const r = await verify(
        { address: alice.address, incoming: [inc], outgoing: out ? [out] : [], secret: pw, exceptions: [] },
        ctx(events)
      )
      expect(r.diagnosis).toBeUndefined()
      expect(r.incoming?.state).toBe('ok')
      expect(r.incoming?.steps.every((x) => x.state === 'ok')).toBe(true)
      expect(r.incoming?.certificate).toMatchObject({ hostMatches: true, chainTrusted: true, selfSigned: false })
      expect(r.incoming?.certificate?.issuer).toContain('Mail Setup Bench CA')
      expect(r.incoming?.authMechanisms).toEqual(expect.arrayContaining(['PLAIN']))
      if (out) expect(r.outgoing?.state).toBe('ok')
      // Steps were reported as they changed, not just at the end: progress seen at five points or more.
      const okCounts = events
        .filter((e) => e.id === r.incoming!.id)
        .map((e) => e.steps.filter((x) => x.state === 'ok').length)
      expect(new Set(okCounts).size).toBeGreaterThanOrEqual(5)
      const text = JSON.stringify([r, events])
      expect(text).not.toContain(alice.password)
      expect(text).not.toContain(Buffer.from(`\0${alice.address}\0${alice.password}`).toString('base64'))
    })
  }

  it('a wrong password ends in auth-failed, with Dovecot words and a redacted transcript', async () => {
    const r = await verify(
      {
        address: alice.address,
        incoming: [s('imap', 993, 'tls')],
        outgoing: [s('smtp', 465, 'tls')],
        secret: { kind: 'password', password: 'not-her-password' },
        exceptions: []
      },
      ctx()
    )
    expect(r.incoming).toBeUndefined()
    expect(r.diagnosis).toMatchObject({ code: 'auth-failed', protocol: 'imap', userFixable: true })
    expect(r.diagnosis?.serverSays).toMatch(/AUTHENTICATIONFAILED/)
    expect(r.probes.find((p) => p.role === 'outgoing')?.diagnosis?.code).toBe('auth-failed')
    expect(JSON.stringify(r)).not.toContain('not-her-password')
  })

  it('without credentials it checks connection, TLS and capabilities only', async () => {
    const r = await verify(
      {
        address: alice.address,
        incoming: [s('imap', 143, 'starttls')],
        outgoing: [s('smtp', 587, 'starttls')],
        secret: { kind: 'none' },
        exceptions: []
      },
      ctx()
    )
    expect(r.incoming?.state).toBe('ok')
    expect(r.incoming?.steps.find((x) => x.name === 'auth')?.state).toBe('skipped')
    expect(r.outgoing?.capabilities).toEqual(expect.arrayContaining(['PIPELINING']))
  })
})

describe('ranking', () => {
  let zone: DnsServer
  let silent: Fake
  beforeAll(async () => {
    silent = await startFake({ port: 993, handler: () => undefined })
    zone = await startDnsServer({ [`imap.${bench.domain}`]: { A: [silent.host] }, [host]: { A: [bench.hosts[host]!] } })
  })
  afterAll(async () => {
    await silent.close()
    await zone.stop()
  })

  it('a silent better-ranked host costs the grace period, not its timeout; it stays listed', async () => {
    const grace = 300
    const r = await verify(
      {
        address: alice.address,
        incoming: [s('imap', 993, 'tls', `imap.${bench.domain}`), s('imap', 993, 'tls')],
        outgoing: [s('smtp', 465, 'tls')],
        secret: pw,
        exceptions: []
      },
      { ...ctx(), dns: createDns({ dnsServers: [zone.server] }), timing: { tlsMs: 60_000, graceMs: grace } }
    )
    expect(r.incoming?.settings.host).toBe(host)
    expect(r.probes.map((p) => `${p.settings.host}:${p.state}`)).toEqual([
      `imap.${bench.domain}:cancelled`,
      `${host}:ok`,
      `${host}:ok`
    ])
    // Decided by the grace period: the silent probe's 60 s deadline never ran out.
    expect(r.probes[0]!.steps.find((x) => x.name === 'tls')).toMatchObject({ state: 'failed', info: 'cancelled' })
    expect(r.probes[0]!.diagnosis?.code).toBe('cancelled')
  })

  it('the best-ranked success wins over a later one', async () => {
    const r = await verify(
      {
        address: alice.address,
        incoming: [s('pop3', 995, 'tls'), s('imap', 993, 'tls')],
        outgoing: [],
        secret: pw,
        exceptions: []
      },
      { ...ctx(), timing: FAST }
    )
    expect(r.incoming?.settings.protocol).toBe('pop3')
  })
})

describe('round trip', () => {
  const stagesOf = () => {
    const stages: RoundTripStage[] = []
    return { stages, onStage: (x: RoundTripStage) => stages.push(x) }
  }

  it('sends to itself, reads it back over IMAP, reports the delivery time and removes it', async () => {
    const st = stagesOf()
    const r = await roundTrip(
      {
        address: alice.address,
        incoming: s('imap', 993, 'tls'),
        outgoing: s('smtp', 587, 'starttls'),
        secret: pw,
        exceptions: []
      },
      { dns, ca, signal: new AbortController().signal, onStage: st.onStage, waitMs: 15_000 }
    )
    expect(r.diagnosis).toBeUndefined()
    expect(r).toMatchObject({ ok: true, removed: true })
    expect(r.deliveredMs).toBeGreaterThanOrEqual(0)
    expect(st.stages).toEqual(['sending', 'sent', 'waiting', 'delivered', 'removing', 'done'])
    const left = await readMailbox(bench.mailRoot, alice.address)
    expect(left.some((m) => m.messageId && r.messageId?.includes(m.messageId.replace(/[<>]/g, '')))).toBe(false)
  })

  it('over POP3 it removes the message only when mail is not kept on the server', async () => {
    const base = { address: alice.address, outgoing: s('smtp', 465, 'tls'), secret: pw, exceptions: [] }
    const c = { dns, ca, signal: new AbortController().signal, onStage: () => undefined, waitMs: 15_000 }
    const keep = await roundTrip({ ...base, incoming: { ...s('pop3', 995, 'tls'), pop3: { leaveOnServer: true } } }, c)
    expect(keep).toMatchObject({ ok: true, removed: false })
    const id = keep.messageId!.replace(/[<>]/g, '')
    expect((await readMailbox(bench.mailRoot, alice.address)).some((m) => m.messageId?.includes(id))).toBe(true)
    const drop = await roundTrip(
      { ...base, incoming: { ...s('pop3', 110, 'starttls'), pop3: { leaveOnServer: false } } },
      c
    )
    expect(drop).toMatchObject({ ok: true, removed: true })
    const dropId = drop.messageId!.replace(/[<>]/g, '')
    expect((await readMailbox(bench.mailRoot, alice.address)).some((m) => m.messageId?.includes(dropId))).toBe(false)
  })

  it('a wrong password fails the round trip with auth-failed before anything is sent', async () => {
    const r = await roundTrip(
      {
        address: alice.address,
        incoming: s('imap', 993, 'tls'),
        outgoing: s('smtp', 465, 'tls'),
        secret: { kind: 'password', password: 'wrong-one' },
        exceptions: []
      },
      { dns, ca, signal: new AbortController().signal, onStage: () => undefined, waitMs: 5000 }
    )
    expect(r.ok).toBe(false)
    expect(r.diagnosis?.code).toBe('auth-failed')
  })
})
