// Verification service: probes every candidate server for real, step by step, and reports the
// best verified incoming and outgoing server, every alternative, and a diagnosis.
import type { HostException, Probe, RoundTripResult, VerifyResult } from '../../shared/verify'
import type { ServerSettings } from '../../shared/domain'
import { runDns, type Dns } from '../net/dns'
import { registerSecret } from '../redact'
import { driverFor, exceptionFor } from './drivers'
import { runProbe, type ProbeOutcome } from './session'
import { SignInGate } from './signin-gate'
import type { StopMemory } from './stop-memory'
import { HostLimiter, RankedRun, mostTelling, type ProbeHooks, type RoleResult } from './scheduler'
import { answeredNothing, noMailService, splitLastResort } from './verdict'
import { timingWith, type Timing } from './timing'
import { WarmPool } from './warm'
import type { Secret } from './secret'
import type { TlsVersion } from '../net/trust'
import { diagnose } from '../../shared/diagnosis-catalog'

export type { Secret } from './secret'
export type { Timing } from './timing'

export interface VerifyContext {
  dns: Dns
  ca: string[]
  signal: AbortSignal
  onProbe(probe: Probe): void
  /** The lowest TLS version accepted; TLS 1.2 unless the organisation's policy asks for 1.3. */
  minTls?: TlsVersion
  /** Shorter deadlines for tests and benchmarks; the defaults suit real networks. */
  timing?: Partial<Timing>
  /** "Slow down" and "locked" answers held across the checks of one session (stop-memory.ts). */
  stops?: StopMemory
  /** Connections opened before this check for its servers (the setup session's prepare); closed after it. */
  ahead?: WarmPool
}

export interface VerifyInput {
  address: string
  incoming: ServerSettings[]
  outgoing: ServerSettings[]
  secret: Secret
  exceptions: HostException[]
}

export async function verify(input: VerifyInput, ctx: VerifyContext): Promise<VerifyResult> {
  const run = startVerify(input, ctx)
  run.add(input.incoming, input.outgoing, 0)
  run.close()
  return run.result
}

/** A check whose servers may still be added while it runs (pipeline.ts). */
export interface Verification {
  /**
   * Adds servers to check at once, ranked by `rank` (lower is better; within a list, the
   * list's order). A server already in the check keeps one probe and moves up to the better rank.
   */
  add(incoming: ServerSettings[], outgoing: ServerSettings[], rank: number): void
  /**
   * Servers an untrusted source named: their connections are opened now, up to the sign-in and
   * without credentials, for a trusted source that names the same server later (warm.ts).
   */
  warm(servers: ServerSettings[]): void
  /** No better servers will be added: each side may settle on its best success. */
  close(): void
  readonly result: Promise<VerifyResult>
}

/** Ranks within one add(): room for a candidate's list, however long (the API caps lists at 32). */
const PER_ADD = 1000

export function startVerify(base: Omit<VerifyInput, 'incoming' | 'outgoing'>, ctx: VerifyContext): Verification {
  const started = performance.now()
  if (base.secret.kind === 'password') registerSecret(base.secret.password)
  const timing = timingWith(ctx.timing)
  const limiter = new HostLimiter(timing.perHost)
  const gate = new SignInGate(ctx.stops, base.address)
  // Probes of one host on several ports ask its address once.
  const run = runDns(ctx.dns, ctx.signal)
  const given: { incoming: ServerSettings[]; outgoing: ServerSettings[] } = { incoming: [], outgoing: [] }
  let probes = 0
  const ahead =
    ctx.ahead ??
    new WarmPool({
      dns: run.dns,
      ca: ctx.ca,
      minTls: ctx.minTls,
      timing,
      exceptions: base.exceptions,
      signal: ctx.signal,
      failuresCount: true
    })

  const probe =
    (role: Probe['role']) =>
    async (settings: ServerSettings, signal: AbortSignal, hooks: ProbeHooks): Promise<ProbeOutcome> => {
      const id = `${role}-${++probes}-${settings.protocol}-${settings.host}-${settings.port}`
      const exception = exceptionFor(base.exceptions, settings)
      const warm = ahead.take(settings, { ca: ctx.ca, minTls: ctx.minTls, exception })
      let release: (() => void) | undefined
      try {
        release = await limiter.acquire(`${settings.host}|${settings.protocol}`, signal)
      } catch {
        // Cancelled while waiting for a slot: run it anyway so it is recorded as cancelled.
      }
      const onProbe = (p: Probe): void => {
        ctx.onProbe(p)
        hooks.progressed(p)
      }
      try {
        return await runProbe(driverFor(settings), {
          id,
          role,
          settings,
          secret: base.secret,
          exception,
          dns: run.dns,
          ca: ctx.ca,
          minTls: ctx.minTls,
          timing,
          signal,
          onProbe,
          gate,
          signInTurn: hooks.signInTurn,
          address: base.address,
          warm
        })
      } finally {
        release?.()
      }
    }

  const incoming = new RankedRun(timing.graceMs, ctx.signal, probe('incoming'))
  const outgoing = new RankedRun(timing.graceMs, ctx.signal, probe('outgoing'))
  // Port 25 only when neither 465 nor 587 answered at all (many networks block 25).
  const lastResort: Array<{ settings: ServerSettings; rank: number }> = []
  const key = (s: ServerSettings): string =>
    JSON.stringify([s.protocol, s.host.toLowerCase(), s.port, s.security, s.username, s.auth, s.pop3])

  const outgoingRun = async (): Promise<RoleResult> => {
    const first = await outgoing.result
    if (
      first.best ||
      !lastResort.length ||
      ctx.signal.aborted ||
      !first.outcomes.every((o) => answeredNothing(o.probe))
    )
      return first
    const late = new RankedRun(timing.graceMs, ctx.signal, probe('outgoing'))
    for (const l of lastResort) late.add(key(l.settings), l.settings, l.rank)
    late.close()
    const second = await late.result
    const outcomes = [...first.outcomes, ...second.outcomes]
    return {
      best: second.best,
      outcomes,
      diagnosis: second.best ? undefined : mostTelling(outcomes.map((o) => o.probe))
    }
  }

  const result = Promise.all([incoming.result, outgoingRun()])
    .finally(() => {
      ahead.close()
      run.end()
    })
    .then(([inc, out]): VerifyResult => {
      const order = (p: Probe): number => (p.role === 'incoming' ? 0 : 1)
      const all = [...inc.outcomes, ...out.outcomes].map((o) => o.probe).sort((a, b) => order(a) - order(b))
      let diagnosis = given.incoming.length && !inc.best ? inc.diagnosis : undefined
      if (!diagnosis && given.outgoing.length && !out.best) diagnosis = out.diagnosis
      if (diagnosis) diagnosis = noMailService([...given.incoming, ...given.outgoing], all, base.address) ?? diagnosis
      if (ctx.signal.aborted) diagnosis = diagnose('cancelled')
      return {
        incoming: inc.best?.probe,
        outgoing: out.best?.probe,
        probes: all,
        diagnosis,
        ms: Math.round(performance.now() - started)
      }
    })

  return {
    add(inc, out, rank) {
      given.incoming.push(...inc)
      given.outgoing.push(...out)
      inc.forEach((s, i) => incoming.add(key(s), s, rank * PER_ADD + i))
      const split = splitLastResort(out)
      split.first.forEach((s, i) => outgoing.add(key(s), s, rank * PER_ADD + i))
      split.last.forEach((s, i) => lastResort.push({ settings: s, rank: rank * PER_ADD + i }))
    },
    warm(servers) {
      for (const s of servers) ahead.open(s)
    },
    close() {
      // Nothing joins from now on: a connection opened ahead that no probe took is not needed.
      ahead.close()
      incoming.close()
      outgoing.close()
    },
    result
  }
}

export interface RoundTripInput {
  address: string
  incoming: ServerSettings
  outgoing: ServerSettings
  secret: Secret
  exceptions: HostException[]
}

export type RoundTripStage = 'sending' | 'sent' | 'waiting' | 'delivered' | 'removing' | 'done' | 'failed'

export interface RoundTripContext extends Omit<VerifyContext, 'onProbe'> {
  onStage(stage: RoundTripStage): void
  /** How long to wait for the message to arrive; 60 s unless a test says otherwise. */
  waitMs?: number
}

export async function roundTrip(input: RoundTripInput, ctx: RoundTripContext): Promise<RoundTripResult> {
  if (input.secret.kind === 'password') registerSecret(input.secret.password)
  // Loaded only here: the round trip brings imapflow and nodemailer, which verify does not use.
  const { runRoundTrip } = await import('./roundtrip')
  return runRoundTrip(input, ctx)
}
