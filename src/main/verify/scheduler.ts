// Runs every probe of both lists at once (a few connections per host), and settles each list
// as soon as its best-ranked success is known: when every better-ranked probe has failed, or
// when a short grace period has passed (see runRanked). A silent host therefore costs at most
// the grace period, never its full timeout. Probes still running then are cancelled.
import type { ServerSettings } from '../../shared/domain'
import type { Diagnosis } from '../../shared/diagnosis'
import type { Probe } from '../../shared/verify'
import type { ProbeOutcome } from './session'

export class HostLimiter {
  private readonly active = new Map<string, number>()
  private readonly queues = new Map<string, Array<() => void>>()

  constructor(private readonly perHost: number) {}

  async acquire(host: string, signal: AbortSignal): Promise<() => void> {
    const key = host.toLowerCase()
    if ((this.active.get(key) ?? 0) >= this.perHost) {
      await new Promise<void>((resolve, reject) => {
        const q = this.queues.get(key) ?? []
        const go = (): void => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          const i = q.indexOf(go)
          if (i >= 0) q.splice(i, 1)
          reject(signal.reason)
        }
        signal.addEventListener('abort', onAbort, { once: true })
        q.push(go)
        this.queues.set(key, q)
      })
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      this.active.set(key, (this.active.get(key) ?? 1) - 1)
      this.queues.get(key)?.shift()?.()
    }
  }
}

export interface RoleResult {
  best?: ProbeOutcome
  outcomes: ProbeOutcome[]
  /** The most telling failure when nothing succeeded. */
  diagnosis?: Diagnosis
}

/**
 * Runs one ordered list. `start(i, signal, progressed)` runs probe i under its own signal and
 * calls `progressed` whenever one of its steps succeeds; `okTimes(i)` gives when each of its
 * steps succeeded. A better-ranked probe still running when a lower-ranked one has verified
 * gets `graceMs` counted from the moment the winner passed the step it is stuck at: a host
 * that fell behind long ago costs nothing more, a host that is merely a little slower is waited for.
 */
export async function runRanked(
  list: ServerSettings[],
  graceMs: number,
  parent: AbortSignal,
  start: (index: number, signal: AbortSignal, progressed: () => void) => Promise<ProbeOutcome>,
  okTimes: (index: number) => number[] = () => []
): Promise<RoleResult> {
  const controllers = list.map(() => new AbortController())
  const results: Array<ProbeOutcome | undefined> = list.map(() => undefined)
  let grace: NodeJS.Timeout | undefined
  let settled = false
  let settle: (best: number | undefined) => void = () => undefined
  const decided = new Promise<number | undefined>((resolve) => (settle = (b) => ((settled = true), resolve(b))))
  const ok = (i: number): boolean => results[i]?.probe.state === 'ok'
  const firstOk = (): number => results.findIndex((_, k) => ok(k))

  const check = (): void => {
    if (settled) return
    for (let i = 0; i < list.length; i++) {
      if (!results[i]) {
        const winner = firstOk()
        if (winner > i) {
          const now = performance.now()
          const doneAt = okTimes(winner)
          const allowance = graceFor(results[winner]!.probe, graceMs)
          let until = now
          for (let j = 0; j < winner; j++) {
            if (results[j]) continue
            const stuckAt = okTimes(j).length
            until = Math.max(until, (doneAt[stuckAt] ?? doneAt[doneAt.length - 1] ?? now) + allowance)
          }
          clearTimeout(grace)
          grace = setTimeout(() => settle(firstOk()), Math.max(0, until - now))
        }
        return
      }
      if (ok(i)) return settle(i)
    }
    settle(undefined)
  }

  const onAbort = (): void => settle(undefined)
  parent.addEventListener('abort', onAbort, { once: true })
  const runs = list.map(async (_, i) => {
    const signal = AbortSignal.any([parent, controllers[i]!.signal])
    results[i] = await start(i, signal, check)
    check()
  })
  if (!list.length) settle(undefined)
  const bestIndex = await decided
  clearTimeout(grace)
  parent.removeEventListener('abort', onAbort)
  for (let i = 0; i < list.length; i++) if (!results[i]) controllers[i]!.abort(new DOMException('A better server was already verified', 'AbortError'))
  await Promise.allSettled(runs)
  const outcomes = results.filter((r): r is ProbeOutcome => Boolean(r))
  const best = bestIndex !== undefined && bestIndex >= 0 ? results[bestIndex] : undefined
  return { best, outcomes, diagnosis: best ? undefined : mostTelling(outcomes.map((o) => o.probe)) }
}

// Round trips of the winner's network a better-ranked server may fall behind by: on a slow
// link (satellite, congested mobile) the fixed grace alone would be a few round trips only.
const GRACE_RTTS = 4

/** The grace period: `graceMs`, or more on a link whose round trip (the winner's TCP connect) is long. */
export function graceFor(winner: Probe, graceMs: number): number {
  const rtt = winner.steps.find((s) => s.name === 'tcp')?.ms ?? 0
  return Math.max(graceMs, GRACE_RTTS * rtt)
}

// Failures that say only that nothing answered: at the same step, any other answer explains more.
const VAGUE = new Set(['timeout', 'connection-refused', 'connection-closed', 'network-unreachable'])

/** The failure that got furthest (a refused password says more than a timeout elsewhere). */
export function mostTelling(probes: Probe[]): Diagnosis | undefined {
  let chosen: Probe | undefined
  let score = -1
  for (const p of probes) {
    if (p.state !== 'failed' || !p.diagnosis) continue
    const s = p.steps.filter((x) => x.state === 'ok').length * 2 + (VAGUE.has(p.diagnosis.code) ? 0 : 1)
    if (s > score) {
      score = s
      chosen = p
    }
  }
  return chosen?.diagnosis ?? probes.find((p) => p.diagnosis)?.diagnosis
}
