// discoverAndVerify against the bench's real Dovecot, with discovery sources the test controls
// (the orchestrator's `sources` option): the first trusted candidate's servers are probed
// before the search is over, a better one found later joins and wins, the search stops once the
// check has settled, and a candidate nothing vouches for gets nothing without consent. A
// candidate naming two ports per side signs in once per side, counted in the servers' own logs
// (Dovecot, and Cyrus with Postfix), and the whole run asks the DNS server each name once.
// Assertions are on the order of events and on what the servers saw, never on wall-clock times.
import { describe, expect, inject, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import { join, resolve } from 'node:path'
import { createDns } from '../../src/main/net/dns'
import { loadConfig } from '../../src/main/config'
import { discoverAndVerify, type PipelineInput } from '../../src/main/verify/pipeline'
import type { Source } from '../../src/main/discovery/types'
import type { ServerSettings, SourceReport, Trust } from '../../src/shared/domain'
import { imapScript } from '../fakes/scripts'
import { startFake } from '../fakes/server'
import { FAST, settings } from './helpers'
import { allocLoopback } from '../world/addresses'
import { benchCa } from '../world'
import { draft, heldSource } from './sources'

const bench = inject('bench')
const alice = bench.users.alice
const dns = createDns({ dnsServers: [bench.dns.server] })
const ca = [...rootCertificates, bench.ca.certPem]
const config = loadConfig(
  {},
  { dnsServers: [bench.dns.server], resourcesDir: join(resolve(import.meta.dirname, '..', '..'), 'resources') }
)
const TRUSTED: Trust = { level: 'trusted', reason: 'ispdb' }
const second = bench.second
const carol = second.users.carol

const s = (
  protocol: ServerSettings['protocol'],
  port: number,
  security: ServerSettings['security'],
  host = bench.mailHost
): ServerSettings => settings(protocol, host, port, security, alice.address)

type Event =
  | { kind: 'report'; report: SourceReport }
  | { kind: 'candidate'; source: string }
  | { kind: 'probe'; id: string; state: string }

function run(sources: Source[], input: Partial<PipelineInput> = {}, dnsOf = dns) {
  const events: Event[] = []
  const promise = discoverAndVerify(
    {
      address: alice.address,
      secret: { kind: 'password', password: alice.password },
      exceptions: [],
      select: (c) => ({ incoming: c.incoming.filter((x) => x.protocol === 'imap'), outgoing: c.outgoing }),
      ...input
    },
    {
      dns: dnsOf,
      ca,
      signal: new AbortController().signal,
      timing: FAST,
      onProbe: (p) => events.push({ kind: 'probe', id: p.id, state: p.state }),
      discovery: {
        config,
        dns: dnsOf,
        ca,
        deadlineMs: 20_000,
        offline: false,
        sources,
        onReport: (report) => events.push({ kind: 'report', report }),
        onCandidate: (c) => events.push({ kind: 'candidate', source: c.source })
      }
    }
  )
  return { events, promise }
}

const firstProbe = (events: Event[]): number => events.findIndex((e) => e.kind === 'probe')
const reportAt = (events: Event[], id: string, state?: string): number =>
  events.findIndex(
    (e) =>
      e.kind === 'report' && e.report.source === id && (state ? e.report.state === state : e.report.state !== 'started')
  )

describe('discoverAndVerify', () => {
  it('probes the first trusted candidate at once; a better one found later joins and wins; the search then stops', async () => {
    let firstProbed!: () => void
    const probed = new Promise<void>((r) => (firstProbed = r))
    const never = new Promise<void>(() => undefined)
    const sources = [
      // The shipped ISPDB answers at once: STARTTLS ports.
      heldSource('ispdb', Promise.resolve(), [
        draft('ispdb', TRUSTED, [s('imap', 143, 'starttls')], [s('smtp', 587, 'starttls')])
      ]),
      // The domain's own HTTPS autoconfig (ranked above) answers only once probing has begun.
      heldSource('autoconfig-https', probed, [
        draft(
          'autoconfig-https',
          { level: 'trusted', reason: 'https-in-domain' },
          [s('imap', 993, 'tls')],
          [s('smtp', 465, 'tls')]
        )
      ]),
      // A lower-ranked source that never answers: nobody waits for it.
      heldSource('guess', never, [])
    ]
    const r = run(sources)
    const watch = setInterval(() => firstProbe(r.events) >= 0 && firstProbed(), 1)
    const result = await r.promise.finally(() => clearInterval(watch))

    // Probing began before the better source answered, and before the search was over.
    expect(firstProbe(r.events)).toBeGreaterThanOrEqual(0)
    expect(firstProbe(r.events)).toBeLessThan(reportAt(r.events, 'autoconfig-https', 'found'))
    expect(result.verify?.incoming?.settings).toMatchObject({ port: 993, security: 'tls' })
    expect(result.verify?.outgoing?.settings).toMatchObject({ port: 465, security: 'tls' })
    expect(result.candidate?.source).toBe('autoconfig-https')
    expect(result.verify?.diagnosis).toBeUndefined()
    // The source still searching was stopped once the check was done, and says why.
    expect(result.discovery.sources.find((x) => x.source === 'guess')).toMatchObject({
      state: 'skipped',
      reason: 'not-needed'
    })
    expect(JSON.stringify(result)).not.toContain(alice.password)
  })

  it('waits for a better-ranked source still working before it settles on a lower-ranked success', async () => {
    let answer!: () => void
    const later = new Promise<void>((r) => (answer = r))
    const sources = [
      heldSource('ispdb', Promise.resolve(), [
        draft('ispdb', TRUSTED, [s('imap', 143, 'starttls')], [s('smtp', 587, 'starttls')])
      ]),
      // Answers "nothing" only after the lower-ranked candidate has verified on both sides.
      heldSource('autoconfig-https', later, [])
    ]
    const r = run(sources)
    const done = r.events
    const watch = setInterval(
      () => done.filter((e) => e.kind === 'probe' && e.state === 'ok').length >= 2 && answer(),
      1
    )
    const result = await r.promise.finally(() => clearInterval(watch))
    expect(reportAt(r.events, 'autoconfig-https')).toBeGreaterThan(
      r.events.findIndex((e) => e.kind === 'probe' && e.state === 'ok')
    )
    expect(result.verify?.incoming?.settings).toMatchObject({ port: 143 })
    expect(result.candidate?.source).toBe('ispdb')
  })

  it('gives a server nothing vouches for no credential without consent, and checks it with consent', async () => {
    // On TLS with a certificate the bench CA signed: a client could get as far as its LOGIN.
    const host = allocLoopback()
    const cert = await (await benchCa(bench)).issueCert([host])
    const imap = await startFake({
      host,
      port: 993,
      tls: { cert: cert.certPem, key: cert.keyPem },
      handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
    })
    try {
      const guessed: Trust = { level: 'confirm', reason: 'guess' }
      const sources = [
        heldSource('guess', Promise.resolve(), [draft('guess', guessed, [s('imap', 993, 'tls', imap.host)], [])])
      ]
      const refused = await run(sources).promise
      expect(refused.verify).toBeUndefined()
      expect(refused.candidate).toBeUndefined()
      expect(refused.discovery.candidates).toHaveLength(1)
      // A guessed server may be connected to ahead (warm.ts), never signed in to.
      expect(imap.all()).not.toContain(alice.password)
      expect(imap.all()).not.toMatch(/\b(LOGIN|AUTHENTICATE)\b/i)

      const consented = await run(sources, { consent: (found) => found.candidates[0] }).promise
      expect(consented.candidate?.source).toBe('guess')
      expect(consented.verify?.probes.length).toBe(1)
      // With consent the sign-in reaches this server: the refusal above was not TLS failing.
      expect(imap.all()).toMatch(/\b(LOGIN|AUTHENTICATE)\b/i)
    } finally {
      await imap.close()
    }
  })

  describe('signs in once per side when a candidate names two ports for it', () => {
    /** Lines of `file` that match, read once the server has stopped writing (two equal reads). */
    async function logged(file: string, re: RegExp): Promise<number> {
      let last = -1
      for (let i = 0; i < 30; i++) {
        const n = (await readFile(file, 'utf8')).split('\n').filter((l) => re.test(l)).length
        if (n === last) return n
        last = n
        await new Promise((r) => setTimeout(r, 100))
      }
      return last
    }

    /**
     * The candidate (993 and 143, 465 and 587) comes at once; a better-ranked source answers only
     * once every probe has ended, so the check stays open meanwhile: nothing settles it early.
     */
    async function check(host: string, user: { address: string; login?: string; password: string }) {
      let answer!: () => void
      const later = new Promise<void>((r) => (answer = r))
      const at = (protocol: ServerSettings['protocol'], port: number, security: ServerSettings['security']) =>
        settings(protocol, host, port, security, user.login ?? user.address)
      const candidate = draft(
        'ispdb',
        TRUSTED,
        [at('imap', 993, 'tls'), at('imap', 143, 'starttls')],
        [at('smtp', 465, 'tls'), at('smtp', 587, 'starttls')]
      )
      const r = run([heldSource('ispdb', Promise.resolve(), [candidate]), heldSource('autoconfig-https', later, [])], {
        address: user.address,
        secret: { kind: 'password', password: user.password }
      })
      const ended = new Map<string, string>()
      const watch = setInterval(() => {
        for (const e of r.events) if (e.kind === 'probe' && e.state !== 'running') ended.set(e.id, e.state)
        if (ended.size >= 4) answer()
      }, 1)
      const result = await r.promise.finally(() => clearInterval(watch))
      const why = JSON.stringify(result.verify?.diagnosis)
      expect(result.verify?.incoming?.state, why).toBe('ok')
      expect(result.verify?.outgoing?.state, why).toBe('ok')
      // Per side one probe signed in; the other stopped before sending anything.
      for (const role of ['incoming', 'outgoing'] as const) {
        const probes = result.verify!.probes.filter((p) => p.role === role)
        expect(probes.map((p) => p.state).sort()).toEqual(['cancelled', 'ok'])
        const stopped = probes.find((p) => p.state === 'cancelled')!
        expect(stopped.steps.find((x) => x.name === 'auth')?.state).not.toBe('ok')
        expect(stopped.transcript.some((l) => /AUTH|LOGIN/.test(l.text) && l.dir === 'c')).toBe(false)
      }
      return result
    }

    it('Dovecot: one IMAP and one submission login in its log', async () => {
      const log = bench.dovecot.log
      const who = (proto: string): RegExp => new RegExp(`${proto}-login: Info: Login: user=<${alice.login}>`)
      const before = [await logged(log, who('imap')), await logged(log, who('submission'))]
      await check(bench.mailHost, alice)
      const tail = (await readFile(log, 'utf8')).split('\n').slice(-12).join('\n')
      expect(
        [(await logged(log, who('imap'))) - before[0]!, (await logged(log, who('submission'))) - before[1]!],
        tail
      ).toEqual([1, 1])
    })

    it('Cyrus and Postfix: one IMAP login and one authenticated SMTP session in their logs', async () => {
      // Cyrus: "bench-cyrus/imaps[…]: login: localhost [127.0.0.1] carol PLAIN User logged in …";
      // Postfix, at the end of each session: "disconnect from … auth=1 …".
      const imapLogin = /bench-cyrus\/imaps?\[\d+\]: login: .* carol .*User logged in/
      const smtpAuth = /disconnect from .* auth=1\b/
      const before = [await logged(second.cyrusLog, imapLogin), await logged(second.postfixLog, smtpAuth)]
      await check(second.host, carol)
      expect([
        (await logged(second.cyrusLog, imapLogin)) - before[0]!,
        (await logged(second.postfixLog, smtpAuth)) - before[1]!
      ]).toEqual([1, 1])
    })
  })
})
