// Connections opened ahead (verify/warm.ts), against the bench's real Dovecot and submission
// behind a relay that counts connections: while the search runs, the servers guessing names are
// connected to and brought up to their sign-in with no credential; a trusted source naming the
// same server then signs in on that very connection (one connection per server, not two), and
// when nothing trusted names it the server sees no user name at all (its own log) and the
// connection is closed. A held connection the server dropped is not used; one held too long is
// closed. Assertions are on what the relay and the servers saw, never on wall-clock times.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../src/main/config'
import type { Source } from '../../src/main/discovery/types'
import { createDns, type Dns } from '../../src/main/net/dns'
import { discoverAndVerify } from '../../src/main/verify/pipeline'
import { timingWith } from '../../src/main/verify/timing'
import { HANDED_OVER, WarmPool } from '../../src/main/verify/warm'
import type { ServerSettings, Trust } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import { startCountingRelay, type CountingRelay } from '../fakes/counting-relay'
import { imapScript } from '../fakes/scripts'
import { startWorld, type World } from '../world/compose'
import { FAST, settings } from './helpers'
import { draft, heldSource, trigger } from './sources'

const bench = inject('bench')
const alice = bench.users.alice
const PORTS = [993, 465]
const GUESSED: Trust = { level: 'confirm', reason: 'guess' }
const TRUSTED: Trust = { level: 'trusted', reason: 'https-in-domain' }
let w: World
let relay: CountingRelay
let dns: Dns

beforeAll(async () => {
  w = await startWorld(bench)
  relay = await startCountingRelay(bench.mailAddress, PORTS)
  w.onStop(() => relay.close())
  // The mail host's name leads to the relay, so every connection to it is counted.
  w.name(bench.mailHost, relay.host)
  dns = createDns({ dnsServers: [w.dns.server] })
})
afterAll(() => w?.stop())

const imap = (username = alice.address): ServerSettings => ({
  ...settings('imap', bench.mailHost, 993, 'tls', username),
  usernameGuessed: true
})
const smtp = (username = alice.address): ServerSettings => settings('smtp', bench.mailHost, 465, 'tls', username)

function run(sources: Source[]) {
  const config = loadConfig(
    {},
    { dnsServers: [w.dns.server], resourcesDir: join(resolve(import.meta.dirname, '..', '..'), 'resources') }
  )
  const probes: Probe[] = []
  const promise = discoverAndVerify(
    {
      address: alice.address,
      secret: { kind: 'password', password: alice.password },
      exceptions: [],
      select: (c) => ({ incoming: c.incoming.filter((x) => x.protocol === 'imap'), outgoing: c.outgoing })
    },
    {
      dns,
      ca: w.trust,
      signal: new AbortController().signal,
      timing: FAST,
      onProbe: (p) => probes.push(p),
      discovery: {
        config,
        dns,
        ca: w.trust,
        deadlineMs: 20_000,
        offline: false,
        sources,
        onReport: () => undefined,
        onCandidate: () => undefined
      }
    }
  )
  return { probes, promise }
}

const poolWith = (holdMs: number, signal = new AbortController().signal, failuresCount = true): WarmPool =>
  new WarmPool({
    dns,
    ca: w.trust,
    minTls: undefined,
    timing: timingWith({ ...FAST, holdMs }),
    exceptions: [],
    signal,
    failuresCount
  })
/** What a check of the bench takes connections under: the world's trust, no exception. */
const terms = () => ({ ca: w.trust, minTls: undefined, exception: undefined })

/** Resolves once `ok()` holds, checking every few milliseconds (the test's own limit bounds it). */
async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 5))
}

/** Dovecot's log lines from `from` on (its length before the run) that match. */
async function logSince(from: number, re: RegExp): Promise<string[]> {
  const text = (await readFile(bench.dovecot.log, 'utf8')).slice(from)
  return text.split('\n').filter((l) => re.test(l))
}
const logLength = async (): Promise<number> => (await readFile(bench.dovecot.log, 'utf8')).length
/** Lines that name alice in any form: a login, a failed one, an aborted one. */
const ALICE = /user=<alice/

describe('connections opened ahead', () => {
  it('brings a guessed server up to its sign-in while the search runs, and signs in on that connection once a trusted source names it', async () => {
    relay.reset()
    const from = await logLength()
    const named = trigger()
    const r = run([
      heldSource('guess', Promise.resolve(), [draft('guess', GUESSED, [imap()], [smtp()])]),
      // The domain's own file names the same servers, with the local part as the IMAP user name.
      heldSource('autoconfig-https', named.promise, [draft('autoconfig-https', TRUSTED, [imap('alice')], [smtp()])])
    ])
    // Both guessed servers were connected to before any trusted source answered...
    await until(() => relay.total.get(993) === 1 && relay.total.get(465) === 1)
    // ...and nothing signed in there yet.
    expect(await logSince(from, ALICE)).toEqual([])
    named.fire()
    const result = await r.promise

    expect(result.candidate?.source).toBe('autoconfig-https')
    expect(result.verify?.incoming).toMatchObject({ state: 'ok', settings: { port: 993, username: 'alice' } })
    expect(result.verify?.outgoing).toMatchObject({ state: 'ok', settings: { port: 465 } })
    // One connection per server: the trusted probe took over the one opened ahead.
    expect(relay.total.get(993)).toBe(1)
    expect(relay.total.get(465)).toBe(1)
    for (const probe of [result.verify!.incoming!, result.verify!.outgoing!]) {
      const lines = probe.transcript.map((l) => l.text)
      const handed = lines.findIndex((l) => l === HANDED_OVER)
      const signing = lines.findIndex((l) => l.startsWith('signing in as'))
      expect(handed, lines.join('\n')).toBeGreaterThan(0)
      expect(handed).toBeLessThan(signing)
      // Its record is whole: every step before the sign-in, then the sign-in.
      expect(probe.steps.filter((s) => s.state === 'ok').map((s) => s.name)).toEqual([
        'dns',
        'tcp',
        'tls',
        'certificate',
        'greeting',
        'capabilities',
        'auth'
      ])
    }
    // The server saw one IMAP and one submission sign-in, with the trusted source's user name.
    const login = (proto: string, user: string): RegExp => new RegExp(`${proto}-login: Info: Login: user=<${user}>`)
    await until(async () => (await logSince(from, /-login: Info: Login: user=<alice/)).length >= 2)
    expect(await logSince(from, login('imap', 'alice'))).toHaveLength(1)
    expect(await logSince(from, login('submission', alice.address))).toHaveLength(1)
  })

  it('sends no user name to a guessed server nothing trusted names, and closes its connection', async () => {
    relay.reset()
    const from = await logLength()
    const answered = trigger()
    const r = run([
      heldSource('guess', Promise.resolve(), [draft('guess', GUESSED, [imap()], [smtp()])]),
      // The trusted source answers "nothing", once the guessed servers are connected to.
      heldSource('autoconfig-https', answered.promise, [])
    ])
    await until(() => relay.total.get(993) === 1 && relay.total.get(465) === 1)
    answered.fire()
    const result = await r.promise
    expect(result.verify).toBeUndefined()
    expect(r.probes).toEqual([])
    await until(() => relay.open.get(993) === 0 && relay.open.get(465) === 0)
    // Dovecot logs the user name of any sign-in, failed or not: none came.
    await until(async () => (await logSince(from, /Disconnected|disconnected/)).length >= 2)
    expect(await logSince(from, ALICE)).toEqual([])
  })

  it("a guessed server's refused certificate is the trusted probe's result: one connection, no second try, no sign-in", async () => {
    const host = 'mail.bad-cert.test'
    const fake = await w.fake(host, {
      port: 993,
      tls: await w.cert([host], { selfSigned: true }),
      handler: imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
    })
    const on = (s: ServerSettings): ServerSettings => ({ ...s, host })
    const named = trigger()
    const r = run([
      heldSource('guess', Promise.resolve(), [draft('guess', GUESSED, [on(imap())], [])]),
      heldSource('autoconfig-https', named.promise, [draft('autoconfig-https', TRUSTED, [on(imap('alice'))], [])])
    ])
    await until(() => fake.connections === 1)
    named.fire()
    const result = await r.promise
    expect(result.verify?.incoming).toBeUndefined()
    expect(result.verify?.diagnosis?.code).toBe('cert-self-signed')
    expect(result.verify?.probes).toHaveLength(1)
    expect(fake.connections).toBe(1)
    expect(fake.all()).not.toMatch(/LOGIN|AUTHENTICATE/)
  })

  it('does not hand over a held connection the server dropped, and closes one held past its time', async () => {
    relay.reset()
    const pool = poolWith(60_000)
    pool.open(imap())
    await until(() => pool.stateOf(imap()) === 'open')
    relay.cut(993)
    await until(() => pool.stateOf(imap()) === 'lost')
    expect(pool.take(imap(), terms())).toBeUndefined()
    // Known now: a probe of it runs, so it is not opened ahead again.
    pool.open(imap())
    expect(pool.stateOf(imap())).toBeUndefined()
    expect(relay.total.get(993)).toBe(1)
    pool.close()

    relay.reset()
    const before = await logLength()
    const short = poolWith(300)
    short.open(smtp())
    await until(() => short.stateOf(smtp()) === 'open')
    // Nobody takes it: it is closed after its hold time, and the server sees it go.
    await until(() => short.stateOf(smtp()) === undefined)
    await until(() => relay.open.get(465) === 0)
    expect(short.take(smtp(), terms())).toBeUndefined()
    expect(relay.total.get(465)).toBe(1)
    // It signed off as a client does (QUIT): Dovecot logs a goodbye with no user name, not a lost connection.
    await until(async () => (await logSince(before, /submission-login: Info: Disconnected/)).length > 0)
    expect(await logSince(before, /submission-login: Info: Disconnected/)).toEqual([
      expect.stringMatching(/Aborted login by logging out \(no auth attempts.*user=<>/)
    ])
  })

  it('hands a connection over only under the trust it was opened under, and a failure only within one check', async () => {
    const pool = poolWith(60_000)
    pool.open(imap())
    await until(() => pool.stateOf(imap()) === 'open')
    // The check trusts a certificate by its fingerprint now: the one opened without it proves nothing.
    const pinned = { ...terms(), exception: { host: bench.mailHost, port: 993, fingerprint256: 'AB:CD' } }
    expect(pool.take(imap(), pinned)).toBeUndefined()
    pool.open(smtp())
    await until(() => pool.stateOf(smtp()) === 'open')
    expect(pool.take(smtp(), { ...terms(), minTls: 'TLSv1.3' })).toBeUndefined()
    pool.close()

    // Nothing listens on 995 behind the relay: the connection is refused.
    const refused = { ...imap(), protocol: 'pop3' as const, port: 995 }
    const within = poolWith(60_000)
    const before = poolWith(60_000, undefined, false)
    for (const p of [within, before]) p.open(refused)
    await until(() => within.stateOf(refused) === 'failed' && before.stateOf(refused) === 'failed')
    // Within one check the refusal is the probe's result; prepared before the check, it is tried again.
    expect(within.take(refused, terms())).toBeDefined()
    expect(before.take(refused, terms())).toBeUndefined()
  })

  it('opens nothing ahead once the run is cancelled', () => {
    const pool = poolWith(60_000, AbortSignal.abort())
    pool.open(imap())
    expect(pool.size).toBe(0)
  })
})
