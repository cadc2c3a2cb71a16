// Runs every probe of both lists at once (a few connections per host), and settles each list
// as soon as its best-ranked success is known: when every better-ranked probe has failed, or
// when a short grace period has passed (see RankedRun). A silent host therefore costs at most
// the grace period, never its full timeout. Probes still running then are cancelled.
// Password attempts are not run side by side: each probe does its steps up to the sign-in at
// once, then waits for its turn (RankedRun's sign-in turn), so a list that names 465 and 587
// signs in once, on the better one, unless that one fails or falls behind.
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

/** What a probe tells its list while it runs, and asks it. */
export interface ProbeHooks {
  /** The probe as it stands (its steps so far). */
  progressed(probe: Probe): void
  /**
   * Resolves when this probe may send its credentials; rejects (the probe's signal aborts) when
   * its sign-in is no longer needed. Resolves to how long it waited, in ms.
   */
  signInTurn(): Promise<number>
}

/** Starts one probe under its own signal. */
export type StartProbe = (settings: ServerSettings, signal: AbortSignal, hooks: ProbeHooks) => Promise<ProbeOutcome>

interface Entry {
  key: string
  rank: number
  controller: AbortController
  /** When it started and when each of its steps succeeded, for the grace rule. */
  startedAt: number
  okAt: number[]
  /** Its latest state (the grace rule scales with its link's round trip). */
  probe?: Probe
  /** Set while it waits for its sign-in turn: lets it go. */
  waiting?: () => void
  /** When it asked for its turn. */
  askedAt?: number
  /** Its turn came: it is sending credentials (until its result). */
  signing: boolean
  result?: ProbeOutcome
  run: Promise<void>
}

const notNeeded = (why: string): DOMException => new DOMException(why, 'AbortError')

/**
 * One role's probes in rank order (lower rank is better). Each entry starts the moment it is
 * added, and entries may join while others run: the servers of a better candidate discovery
 * names later (pipeline.ts). The list settles on its best-ranked success once it is closed
 * (nothing better can join) and every better-ranked entry has failed, or has fallen behind by
 * the grace period: a better-ranked probe still running when a lower-ranked one has verified
 * gets `graceMs` counted from the moment the winner passed the step it is stuck at (each timed
 * from its own start), so a host that fell behind long ago costs nothing more and one merely a
 * little slower is waited for.
 *
 * Sign-in turns: one entry of the list sends credentials at a time. An entry ready to sign in
 * waits while a better-ranked one is still in the race (as far along, or behind by less than
 * the grace period at the step it is at); once an entry has verified, every entry ranked below
 * it is stopped before its sign-in (it could only lose), and one ranked above that fell behind
 * it by the grace period is stopped too. So the password goes to one server per list unless
 * that one refuses it or stops answering.
 */
export class RankedRun {
  private readonly entries: Entry[] = []
  private closed = false
  private settled = false
  private grace: NodeJS.Timeout | undefined
  private turnTimer: NodeJS.Timeout | undefined
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
    const entry: Entry = {
      key,
      rank,
      controller,
      startedAt: performance.now(),
      okAt: [],
      signing: false,
      run: Promise.resolve()
    }
    this.entries.push(entry)
    this.sort()
    const signal = AbortSignal.any([this.parent, controller.signal])
    const hooks: ProbeHooks = {
      progressed: (probe) => {
        entry.probe = probe
        const n = probe.steps.filter((s) => s.state === 'ok').length
        while (entry.okAt.length < n) entry.okAt.push(performance.now())
        this.check()
      },
      signInTurn: () => this.turn(entry, signal)
    }
    entry.run = this.start(settings, signal, hooks).then((r) => {
      entry.result = r
      entry.signing = false
      this.check()
    })
  }

  private turn(entry: Entry, signal: AbortSignal): Promise<number> {
    const asked = performance.now()
    entry.askedAt = asked
    return new Promise<number>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const onAbort = (): void => {
        entry.waiting = undefined
        reject(signal.reason)
        this.turns()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      entry.waiting = () => {
        signal.removeEventListener('abort', onAbort)
        entry.waiting = undefined
        entry.signing = true
        resolve(performance.now() - asked)
      }
      this.turns()
    })
  }

  /** Gives the next sign-in turn, if any is due; stops entries whose sign-in cannot matter. */
  private turns(): void {
    clearTimeout(this.turnTimer)
    if (this.settled) return
    const list = this.entries
    // One sign-in at a time: its outcome decides whether the next is needed at all.
    if (list.some((e) => e.signing && !e.result)) return
    const now = performance.now()
    let next = Infinity
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!
      if (!w.waiting) continue
      const verified = list.find((e, k) => k > i && e.result?.probe.state === 'ok')
      if (verified && behindUntil(w, verified, this.graceMs) <= now) {
        w.controller.abort(notNeeded('A server ranked below was verified while this one was slower'))
        continue
      }
      let wait = false
      for (let k = 0; k < i && !wait; k++) {
        const b = list[k]!
        if (b.result) continue
        // At its own turn: it signs in first.
        if (b.waiting) wait = true
        else {
          // Still on its way: it gets the grace period from when this entry passed the step it
          // is at, or (as far along, but not at its turn) from when this entry asked for its turn.
          const until =
            b.okAt.length < w.okAt.length
              ? behindUntil(b, w, this.graceMs)
              : b.startedAt + Math.max(0, w.askedAt! - w.startedAt) + graceFor(w.probe, this.graceMs)
          if (until > now) {
            wait = true
            next = Math.min(next, until)
          }
        }
      }
      if (!wait) {
        w.waiting()
        return
      }
    }
    if (next < Infinity) this.turnTimer = setTimeout(() => this.turns(), next - now)
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
    clearTimeout(this.turnTimer)
    this.decide(best)
  }

  private check(): void {
    if (this.settled) return
    const ok = (e: Entry | undefined): boolean => e?.result?.probe.state === 'ok'
    const list = this.entries
    // Below a verified entry nothing can win any more, whatever joins later.
    const best = list.findIndex(ok)
    if (best >= 0)
      for (const e of list.slice(best + 1))
        if (!e.result && !e.controller.signal.aborted)
          e.controller.abort(notNeeded('A better server was already verified'))
    this.turns()
    if (!this.closed) return
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.result) {
        if (ok(list[i])) return this.settle(list[i])
        continue
      }
      const winner = list.find((e, k) => k > i && ok(e))
      if (!winner) return
      const now = performance.now()
      let until = now
      // Measured from each probe's own start: a better server that joined later is not behind for that.
      for (const e of list) {
        if (e === winner) break
        if (!e.result) until = Math.max(until, behindUntil(e, winner, this.graceMs))
      }
      if (until <= now) return this.settle(winner)
      clearTimeout(this.grace)
      this.grace = setTimeout(() => this.check(), until - now)
      return
    }
    this.settle(undefined)
  }
}

/**
 * Until when `behind` (still running) is given to catch up with `ahead`: the grace period after
 * the moment `ahead` passed the step `behind` is at, each timed from its own start.
 */
function behindUntil(behind: Entry, ahead: Entry, graceMs: number): number {
  const now = performance.now()
  const passed = ahead.okAt[behind.okAt.length] ?? ahead.okAt[ahead.okAt.length - 1] ?? now
  const allowance = graceFor(ahead.result?.probe ?? ahead.probe, graceMs)
  return behind.startedAt + Math.max(0, passed - ahead.startedAt) + allowance
}

// Round trips of the winner's network a better-ranked server may fall behind by: on a slow
// link (satellite, congested mobile) the fixed grace alone would be a few round trips only.
const GRACE_RTTS = 4

/** The grace period: `graceMs`, or more on a link whose round trip (the winner's TCP connect) is long. */
export function graceFor(winner: Probe | undefined, graceMs: number): number {
  const rtt = winner?.steps.find((s) => s.name === 'tcp')?.ms ?? 0
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
