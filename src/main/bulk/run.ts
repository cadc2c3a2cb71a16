// The one run loop of a bulk check, for `mail-setup check --csv` and the wizard's "Check many
// accounts" alike. Rows come from the list as a stream; at most `concurrency` accounts are
// checked at once overall, and at most `perServer` at once against any one server (host:port,
// as discovery named it): many domains hosted on one server share its limit, which is what a
// server's own connection and lockout limits count. Each finished row is appended to the state
// file before the next is taken, so Ctrl+C or Stop keeps everything done and --resume (or the
// wizard's Resume) checks only the rest. A check cut short by the stop proves nothing and is
// not recorded.
import { setMaxListeners } from 'node:events'
import type { Services } from '../services'
import { HostLimiter } from '../verify/scheduler'
import { BulkChecker, type CheckResult } from './check'
import { linkedSignal } from './linked-signal'
import type { AccountRow, RowProblem } from './rows'
import { stateKey, StateWriter } from './state'

export const DEFAULT_CONCURRENCY = 8
export const DEFAULT_PER_SERVER = 2

export interface BulkRunOptions {
  services: Pick<Services, 'config' | 'dns' | 'ca' | 'policy'>
  /** Aborted by Ctrl+C, SIGTERM or the wizard's Stop: the run ends with what was done saved. */
  signal: AbortSignal
  /** The list, as a stream of accounts and rows that are not accounts. */
  rows: AsyncIterable<AccountRow | RowProblem>
  /** Rows an earlier run finished (state keys): not checked again. */
  done: Set<string>
  statePath: string
  concurrency: number
  perServer: number
  /** The row's password, or undefined (the row's verdict is then no-password). */
  password(row: AccountRow): Promise<string | undefined>
  onProblem?(problem: RowProblem): void
  /** After the row is in the state file. */
  onResult?(result: CheckResult): void
}

/** Waits for a slot on every server of one check, in one global order so two checks never wait on each other. */
export class ServerLimiter {
  private readonly limiter: HostLimiter

  constructor(perServer: number) {
    this.limiter = new HostLimiter(perServer)
  }

  async enter(servers: string[], signal: AbortSignal): Promise<() => void> {
    const held: Array<() => void> = []
    const leave = (): void => held.splice(0).forEach((release) => release())
    try {
      for (const key of [...new Set(servers)].sort()) held.push(await this.limiter.acquire(key, signal))
    } catch (err) {
      leave()
      throw err
    }
    return leave
  }
}

export async function runBulk(o: BulkRunOptions): Promise<{ checked: number }> {
  const limiter = new ServerLimiter(o.perServer)
  const checker = new BulkChecker(o.services, o.signal, (servers, signal) => limiter.enter(servers, signal))
  const writer = new StateWriter(o.statePath)
  setMaxListeners(0, o.signal)
  const rows = o.rows[Symbol.asyncIterator]()
  let checked = 0
  // Workers share one iterator; an async generator answers concurrent next() calls in turn.
  const next = async (): Promise<AccountRow | undefined> => {
    for (;;) {
      const n = await rows.next()
      if (n.done) return undefined
      if ('problem' in n.value) o.onProblem?.(n.value)
      else if (!o.done.has(stateKey(n.value))) return n.value
    }
  }
  const worker = async (): Promise<void> => {
    while (!o.signal.aborted) {
      const row = await next()
      if (!row) return
      // Each row under a signal of its own, so what its check composes is dropped with it (linked-signal.ts).
      const own = linkedSignal(o.signal)
      try {
        const result = await checker.check(row, await o.password(row), own.signal).finally(own.done)
        // A check cut short by the stop proves nothing: it is not recorded, so a resume redoes it.
        if (o.signal.aborted) return
        await writer.append(result)
        checked++
        o.onResult?.(result)
      } catch (err) {
        if (o.signal.aborted) return
        throw err
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker))
  } finally {
    await rows.return?.(undefined)
  }
  return { checked }
}
