// What verification tests share: the test world with the app's resolver on its DNS, settings
// makers, and short step deadlines for servers that never answer.
import { inject } from 'vitest'
import { createDns, type Dns } from '../../src/main/net/dns'
import type { ServerSettings } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import type { VerifyContext } from '../../src/main/verify'
import type { Timing } from '../../src/main/verify/timing'
import { startWorld, type World as BaseWorld } from '../world/compose'
import { worldPerFile } from '../world/per-file'

export const PASSWORD = 'Corr3ct-H0rse-Battery'
export const USER = 'alice@fake.test'

/** Deadlines for fakes: long enough for loopback, short enough that silence ends quickly. */
export const FAST: Partial<Timing> = {
  dnsMs: 2000,
  tcpMs: 2000,
  tlsMs: 2000,
  greetingMs: 1500,
  commandMs: 1500,
  authMs: 4000,
  graceMs: 400
}

/** The test world (test/world/compose.ts) with what verification needs: the app's resolver on the
 * world's DNS and a context per call. */
export interface World extends BaseWorld {
  appDns: Dns
  ctx(extra?: Partial<VerifyContext>): VerifyContext & { probes: Probe[] }
}

function forVerify(base: BaseWorld): World {
  const appDns = createDns({ dnsServers: [base.dns.server] }, 1500)
  return Object.assign(base, {
    appDns,
    ctx(extra?: Partial<VerifyContext>) {
      const probes: Probe[] = []
      return {
        dns: appDns,
        ca: base.trust,
        signal: new AbortController().signal,
        onProbe: (p: Probe) => probes.push(p),
        timing: FAST,
        probes,
        ...extra
      }
    }
  })
}

export async function world(): Promise<World> {
  return forVerify(await startWorld(inject('bench')))
}

export function settings(
  protocol: ServerSettings['protocol'],
  host: string,
  port: number,
  security: ServerSettings['security'],
  username = USER
): ServerSettings {
  return { protocol, host, port, security, username, auth: ['password-cleartext'] }
}

/** A settings maker for entries that guessing or SRV found: the address as user name, nobody named it. */
export function guessedFor(address: string) {
  return (
    protocol: ServerSettings['protocol'],
    host: string,
    port: number,
    security: ServerSettings['security']
  ): ServerSettings => ({
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

/** One world for a test file; its fake servers close when the file ends. */
export interface FakeWorld {
  readonly w: World
  /** A fake server answering for `name` in the world's DNS. */
  fake: BaseWorld['fake']
}

export function fakeWorld(): FakeWorld {
  const file = worldPerFile()
  let verifying: World | undefined
  const fw: FakeWorld = {
    get w() {
      verifying ??= forVerify(file.w)
      return verifying
    },
    fake: (name, opts) => fw.w.fake(name, opts)
  }
  return fw
}
