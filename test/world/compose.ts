// The one test world, composed per test: the bench's servers (started once per vitest run, or
// once per Playwright worker) plus what a test adds to it — host names in the world's DNS,
// certificates from the one test CA, real socket servers for misbehaving hosts (test/fakes),
// web servers (./web.ts), an OAuth server and its mail servers (./oauth.ts), the CLI as a
// process — all stopped with the world, last added first.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { openCa, type IssueOptions, type TestCa } from './ca'
import { startDnsServer, type DnsServer } from './dns'
import type { Bench, BenchInfo } from './index'
import { startFake, type Fake, type FakeOptions } from '../fakes/server'
import { cliProcess, type CliRun } from '../cli/process'

export interface World {
  /** The world's DNS server on loopback: its own in vitest, the bench's in a Playwright worker. */
  dns: DnsServer
  /** The one test CA, the bench's. */
  ca: TestCa
  /** What the app trusts here: Node's roots and the test CA. */
  trust: string[]
  /** A folder of the world's own, removed when it stops. */
  dir: string
  /** The app's environment: the bench's, with this world's DNS and user data, no password. */
  env: NodeJS.ProcessEnv
  /** A certificate from the test CA, as TLS servers take it. */
  cert(names: string[], opts?: IssueOptions): Promise<{ cert: string; key: string }>
  /** Points a name at an address. */
  name(host: string, address: string): void
  /** A real socket server (test/fakes/server.ts) reachable as `name`. */
  fake(name: string, opts: FakeOptions): Promise<Fake>
  /** `mail-setup ARGS` as a process in this world (test/cli/process.ts). */
  cli(args: string[], opts?: { stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliRun>
  /** Stops `stop` with the world, before what was there already. */
  onStop(stop: () => Promise<unknown>): void
  stop(): Promise<void>
}

const isLive = (bench: Bench | BenchInfo): bench is Bench => 'stop' in bench

/**
 * A world on the bench. From a test worker (BenchInfo, `inject('bench')`) it starts a DNS server
 * of its own, so a test's names never leak into another's; from a Playwright worker that started
 * the bench itself (Bench), it adds its names to the bench's DNS, which the wizard reads.
 */
export async function startWorld(bench: Bench | BenchInfo): Promise<World> {
  const info = isLive(bench) ? bench.info : bench
  const stops: Array<() => Promise<unknown>> = []
  const dns = isLive(bench) ? bench.dns : await startDnsServer({})
  if (!isLive(bench)) stops.push(() => dns.stop())
  const ca = isLive(bench) ? bench.ca : await openCa(info.ca.dir)
  const dir = mkdtempSync(join(tmpdir(), 'world-'))
  stops.push(async () => rmSync(dir, { recursive: true, force: true }))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...info.env,
    MAIL_SETUP_DNS: dns.server,
    MAIL_SETUP_USER_DATA: join(dir, 'user-data')
  }
  delete env.MAIL_SETUP_PASSWORD
  const world: World = {
    dns,
    ca,
    trust: [...rootCertificates, ca.certPem],
    dir,
    env,
    async cert(names, opts) {
      const c = await ca.issueCert(names, opts)
      return { cert: c.certPem, key: c.keyPem }
    },
    name: (host, address) => dns.set(host, 'A', [address]),
    async fake(name, opts) {
      const f = await startFake(opts)
      stops.push(() => f.close())
      world.name(name, f.host)
      return f
    },
    cli: (args, opts = {}) => cliProcess(args, { env: { ...env, ...opts.env }, stdin: opts.stdin }),
    onStop: (stop) => void stops.push(stop),
    async stop() {
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined)
    }
  }
  return world
}
