// Runs every probe of both lists at once (a few connections per host), and settles each list
// as soon as its best-ranked success is known: when every better-ranked probe has failed, or
// when a short grace period has passed (see RankedRun). A silent host therefore costs at most
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

/** Starts one probe under its own signal; `progressed(n)` says it has passed n steps. */
export type StartProbe = (
  settings: ServerSettings,
  signal: AbortSignal,
  progressed: (stepsOk: number) => void
) => Promise<ProbeOutcome>

interface Entry {
  key: string
  rank: number
  controller: AbortController
  /** When it started and when each of its steps succeeded, for the grace rule. */
  startedAt: number
  okAt: number[]
  result?: ProbeOutcome
  run: Promise<void>
}

/**
 * One role's probes in rank order (lower rank is better). Each entry starts the moment it is
 * added, and entries may join while others run: the servers of a better candidate discovery
 * names later (pipeline.ts). The list settles on its best-ranked success once it is closed
 * (nothing better can join) and every better-ranked entry has failed, or has fallen behind by
 * the grace period: a better-ranked probe still running when a lower-ranked one has verified
 * gets `graceMs` counted from the moment the winner passed the step it is stuck at (each timed
 * from its own start), so a host that fell behind long ago costs nothing more and one merely a
 * little slower is waited for.
 */
export class RankedRun {
  private readonly entries: Entry[] = []
  private closed = false
  private settled = false
  private grace: NodeJS.Timeout | undefined
  private decide: (best: Entry | undefined) => void = () => undefined
  readonly result: Promise<RoleResult>

  constructor(
    private readonly graceMs: number,
    private readonly parent: AbortSignal,
    private readonly start: StartProbe
  ) {
    const decided = new Promise<Entry | undefined>((resolve) => (this.decide = resolve))
    const onAbort = (): void => this.settle(undefined)
    parent.addEventListener('abort', onAbort, { once: true })
    this.result = decided.then(async (best) => {
      parent.removeEventListener('abort', onAbort)
      for (const e of this.entries)
        if (!e.result) e.controller.abort(new DOMException('A better server was already verified', 'AbortError'))
      await Promise.allSettled(this.entries.map((e) => e.run))
      const outcomes = this.entries.map((e) => e.result).filter((r): r is ProbeOutcome => Boolean(r))
      const chosen = best?.result
      return { best: chosen, outcomes, diagnosis: chosen ? undefined : mostTelling(outcomes.map((o) => o.probe)) }
    })
  }

  /** Adds a server at `rank`, or moves a known one (same key) up to a better rank; ignored once settled. */
  add(key: string, settings: ServerSettings, rank: number): void {
    if (this.settled) return
    const known = this.entries.find((e) => e.key === key)
    if (known) {
      if (rank < known.rank) {
        known.rank = rank
        this.sort()
        this.check()
      }
      return
    }
    const controller = new AbortController()
    const entry: Entry = { key, rank, controller, startedAt: performance.now(), okAt: [], run: Promise.resolve() }
    this.entries.push(entry)
    this.sort()
    const signal = AbortSignal.any([this.parent, controller.signal])
    const progressed = (n: number): void => {
      while (entry.okAt.length < n) entry.okAt.push(performance.now())
      this.check()
    }
    entry.run = this.start(settings, signal, progressed).then((r) => {
      entry.result = r
      this.check()
    })
  }

  /** Nothing better will be added: the list may settle. */
  close(): void {
    this.closed = true
    this.check()
  }

  private sort(): void {
    this.entries.sort((a, b) => a.rank - b.rank)
  }

  private settle(best: Entry | undefined): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.grace)
    this.decide(best)
  }

  private check(): void {
    if (this.settled || !this.closed) return
    const ok = (e: Entry | undefined): boolean => e?.result?.probe.state === 'ok'
    const list = this.entries
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.result) {
        if (ok(list[i])) return this.settle(list[i])
        continue
      }
      const winner = list.find((e, k) => k > i && ok(e))
      if (!winner) return
      const now = performance.now()
      const allowance = graceFor(winner.result!.probe, this.graceMs)
      let until = now
      // Measured from each probe's own start: a better server that joined later is not behind for that.
      const doneAt = winner.okAt
      for (const e of list) {
        if (e === winner) break
        if (e.result) continue
        const passed = doneAt[e.okAt.length] ?? doneAt[doneAt.length - 1] ?? now
        until = Math.max(until, e.startedAt + Math.max(0, passed - winner.startedAt) + allowance)
      }
      if (until <= now) return this.settle(winner)
      clearTimeout(this.grace)
      this.grace = setTimeout(() => this.check(), until - now)
      return
    }
    this.settle(undefined)
  }
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
