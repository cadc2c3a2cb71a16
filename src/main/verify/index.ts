// Verification service: probes every candidate server for real, step by step, and reports the
// best verified incoming and outgoing server, every alternative, and a diagnosis.
import type { HostException, Probe, RoundTripResult, VerifyResult } from '../../shared/verify'
import type { ServerSettings } from '../../shared/domain'
import { runDns, type Dns } from '../net/dns'
import { registerSecret } from '../redact'
import { driverFor, exceptionFor } from './drivers'
import { runProbe, type ProbeOutcome } from './session'
import { SignInGate } from './signin-gate'
import { HostLimiter, mostTelling, runRanked, type RoleResult } from './scheduler'
import { answeredNothing, noMailService, splitLastResort } from './verdict'
import { timingWith, type Timing } from './timing'
import type { Secret } from './secret'
import { diagnose } from '../../shared/diagnosis-catalog'

export type { Secret } from './secret'
export type { Timing } from './timing'

export interface VerifyContext {
  dns: Dns
  ca: string[]
  signal: AbortSignal
  onProbe(probe: Probe): void
  /** Shorter deadlines for tests and benchmarks; the defaults suit real networks. */
  timing?: Partial<Timing>
}

export interface VerifyInput {
  address: string
  incoming: ServerSettings[]
  outgoing: ServerSettings[]
  secret: Secret
  exceptions: HostException[]
}

export async function verify(input: VerifyInput, ctx: VerifyContext): Promise<VerifyResult> {
  const started = performance.now()
  if (input.secret.kind === 'password') registerSecret(input.secret.password)
  const timing = timingWith(ctx.timing)
  const limiter = new HostLimiter(timing.perHost)
  const gate = new SignInGate()
  const all: ProbeOutcome[] = []
  // Probes of one host on several ports ask its address once.
  const run = runDns(ctx.dns, ctx.signal)

  const side = (role: Probe['role'], list: ServerSettings[]) => {
    // When each probe's steps succeeded, for the scheduler's grace rule.
    const times = list.map(() => [] as number[])
    return runRanked(
      list,
      timing.graceMs,
      ctx.signal,
      async (i, signal, progressed) => {
        const settings = list[i]!
        let release: (() => void) | undefined
        try {
          release = await limiter.acquire(`${settings.host}|${settings.protocol}`, signal)
        } catch {
          // Cancelled while waiting for a slot: run it anyway so it is recorded as cancelled.
        }
        const onProbe = (p: Probe): void => {
          const done = p.steps.filter((s) => s.state === 'ok').length
          while (times[i]!.length < done) times[i]!.push(performance.now())
          ctx.onProbe(p)
          if (p.state === 'running') progressed()
        }
        try {
          return await runProbe(driverFor(settings), {
            id: `${role}-${i + 1}-${settings.protocol}-${settings.host}-${settings.port}`,
            role,
            settings,
            secret: input.secret,
            exception: exceptionFor(input.exceptions, settings),
            dns: run.dns,
            ca: ctx.ca,
            timing,
            signal,
            onProbe,
            gate,
            address: input.address
          })
        } finally {
          release?.()
        }
      },
      (i) => times[i]!
    )
  }

  // Port 25 only when neither 465 nor 587 answered at all (many networks block 25).
  const split = splitLastResort(input.outgoing)
  const outgoingRun = async (): Promise<RoleResult> => {
    const first = await side('outgoing', split.first)
    if (first.best || !split.last.length || ctx.signal.aborted || !first.outcomes.every((o) => answeredNothing(o.probe))) return first
    const late = await side('outgoing', split.last)
    const outcomes = [...first.outcomes, ...late.outcomes]
    return { best: late.best, outcomes, diagnosis: late.best ? undefined : mostTelling(outcomes.map((o) => o.probe)) }
  }
  const [incoming, outgoing] = await Promise.all([side('incoming', input.incoming), outgoingRun()]).finally(run.end)
  all.push(...incoming.outcomes, ...outgoing.outcomes)
  const order = (p: Probe): number => (p.role === 'incoming' ? 0 : 1)
  const probes = all.map((o) => o.probe).sort((a, b) => order(a) - order(b))
  let diagnosis = input.incoming.length && !incoming.best ? incoming.diagnosis : undefined
  if (!diagnosis && input.outgoing.length && !outgoing.best) diagnosis = outgoing.diagnosis
  if (diagnosis) diagnosis = noMailService([...input.incoming, ...input.outgoing], probes, input.address) ?? diagnosis
  if (ctx.signal.aborted) diagnosis = diagnose('cancelled')
  return {
    incoming: incoming.best?.probe,
    outgoing: outgoing.best?.probe,
    probes,
    diagnosis,
    ms: Math.round(performance.now() - started)
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
