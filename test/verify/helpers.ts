// Shared set-up for verification tests: a real DNS server for fake host names, the bench CA
// for certificates, and short step deadlines for servers that never answer.
import { afterAll, beforeAll, inject } from 'vitest'
import { rootCertificates } from 'node:tls'
import { createDns, type Dns } from '../../src/main/net/dns'
import type { ServerSettings } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import type { VerifyContext } from '../../src/main/verify'
import type { Timing } from '../../src/main/verify/timing'
import { startFake, type Fake } from '../fakes/server'
import { openCa, startDnsServer, type DnsServer, type IssueOptions, type TestCa } from '../world'

export const PASSWORD = 'Corr3ct-H0rse-Battery'
export const USER = 'alice@fake.test'

/** Deadlines for fakes: long enough for loopback, short enough that silence ends quickly. */
export const FAST: Partial<Timing> = { dnsMs: 2000, tcpMs: 2000, tlsMs: 2000, greetingMs: 1500, commandMs: 1500, authMs: 4000, graceMs: 400 }

export interface World {
  dns: Dns
  dnsServer: DnsServer
  ca: TestCa
  trust: string[]
  /** Points name at address. */
  name(host: string, address: string): void
  cert(names: string[], opts?: IssueOptions): Promise<{ cert: string; key: string }>
  ctx(extra?: Partial<VerifyContext>): VerifyContext & { probes: Probe[] }
  stop(): Promise<void>
}

export async function world(): Promise<World> {
  const bench = inject('bench')
  const dnsServer = await startDnsServer({})
  const ca = await openCa(bench.ca.dir)
  const trust = [...rootCertificates, bench.ca.certPem]
  const dns = createDns({ dnsServers: [dnsServer.server] }, 1500)
  return {
    dns,
    dnsServer,
    ca,
    trust,
    name: (host, address) => dnsServer.set(host, 'A', [address]),
    async cert(names, opts) {
      const c = await ca.issueCert(names, opts)
      return { cert: c.certPem, key: c.keyPem }
    },
    ctx(extra) {
      const probes: Probe[] = []
      return {
        dns,
        ca: trust,
        signal: new AbortController().signal,
        onProbe: (p) => probes.push(p),
        timing: FAST,
        probes,
        ...extra
      }
    },
    stop: () => dnsServer.stop()
  }
}

export function settings(protocol: ServerSettings['protocol'], host: string, port: number, security: ServerSettings['security'], username = USER): ServerSettings {
  return { protocol, host, port, security, username, auth: ['password-cleartext'] }
}

/** A settings maker for entries that guessing or SRV found: the address as user name, nobody named it. */
export function guessedFor(address: string) {
  return (protocol: ServerSettings['protocol'], host: string, port: number, security: ServerSettings['security']): ServerSettings => ({
    protocol,
    host,
    port,
    security,
    username: address,
    usernameGuessed: true,
    auth: ['password-cleartext']
  })
}

export function stepOf(p: Probe | undefined, name: string): Probe['steps'][number] | undefined {
  return p?.steps.find((s) => s.name === name)
}

/** Sum of the deadlines a probe can spend before the sign-in: a silent server must end within it. */
export function preAuthBudget(t: Partial<Timing> = FAST): number {
  return (t.dnsMs ?? 0) + (t.tcpMs ?? 0) + (t.tlsMs ?? 0) * 2 + (t.greetingMs ?? 0) + (t.commandMs ?? 0) * 2
}

/** One world for a test file, with fake servers that all close when the file ends. */
export interface FakeWorld {
  readonly w: World
  /** A fake server answering for `name` in the world's DNS. */
  fake(name: string, opts: Parameters<typeof startFake>[0]): Promise<Fake>
}

export function fakeWorld(): FakeWorld {
  let current: World | undefined
  const fakes: Fake[] = []
  beforeAll(async () => {
    current = await world()
  })
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()))
    await current?.stop()
  })
  const fw: FakeWorld = {
    get w() {
      if (!current) throw new Error('the world starts in beforeAll')
      return current
    },
    async fake(name, opts) {
      const f = await startFake(opts)
      fakes.push(f)
      fw.w.name(name, f.host)
      return f
    }
  }
  return fw
}
