// `mail-setup check --csv accounts.csv`: a readiness check of many accounts for helpdesks
// and IT teams. Bounded concurrency overall and per domain (2 by default: the servers of one
// domain see at most that many sign-ins at once), lockout-safe (each account gets the same
// one attempt per user-name form as the wizard), progress with rate and ETA on stderr,
// resumable through a state file, and Ctrl+C ends cleanly with what was done written out.
import { existsSync } from 'node:fs'
import { readFile, rm, stat } from 'node:fs/promises'
import { setMaxListeners } from 'node:events'
import type { Services } from '../services'
import { BulkChecker, type CheckResult } from '../bulk/check'
import { resolvePasswordRef, RefError } from '../bulk/password-ref'
import { csvHeader, csvRow, htmlReport } from '../bulk/report'
import { readRows, type AccountRow } from '../bulk/rows'
import { readState, stateKey, StateWriter } from '../bulk/state'
import { CsvError } from '../bulk/csv'
import { HostLimiter } from '../verify/scheduler'
import { writeUserFile } from '../files'
import { UsageError } from './args'
import { EXIT } from '../../shared/diagnosis-catalog'

export interface CheckFlags {
  csv?: string
  out?: string
  html?: string
  state?: string
  resume: boolean
  concurrency?: string
  perServer?: string
  allowPlain: boolean
}

export interface CheckIo {
  services: Services
  env: NodeJS.ProcessEnv
  stderr(text: string): void
  report(data: unknown): void
  json: boolean
  /** Raw stderr for the progress line when it is a terminal (our own digits; redrawn in place). */
  tty?: (text: string) => void
  /** Aborted by Ctrl+C (SIGINT) or SIGTERM. */
  signal: AbortSignal
}

export const CHECK_EXIT = { allReady: EXIT.ok, notAllReady: EXIT.verification, interrupted: EXIT.cancelled } as const
const MAX_LIST_BYTES = 64 * 1024 * 1024

function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`${flag} must be a whole number from 1 to 64`)
  return n
}

export async function checkCommand(flags: CheckFlags, io: CheckIo): Promise<number> {
  if (!flags.csv)
    throw new UsageError(
      '--csv FILE is required: a header line with address, and password_ref (env:NAME, keychain:KEY or cmd:COMMAND) or username'
    )
  const concurrency = count(flags.concurrency, 8, '--concurrency')
  const perServer = count(flags.perServer, 2, '--per-server')
  const statePath = flags.state ?? `${flags.csv}.state`
  const outPath = flags.out ?? `${flags.csv}.results.csv`
  const size = await stat(flags.csv).then(
    (s) => s.size,
    () => -1
  )
  if (size < 0) throw new UsageError(`cannot read ${flags.csv}`)
  if (size > MAX_LIST_BYTES) throw new UsageError(`${flags.csv} is larger than 64 MiB`)
  if (!flags.resume && existsSync(statePath))
    throw new UsageError(
      `${statePath} holds an earlier run: add --resume to continue it, or remove the file to start again`
    )

  let rows: AccountRow[]
  let problems: Array<{ row: number; problem: string }>
  try {
    ;({ rows, problems } = readRows(await readFile(flags.csv, 'utf8'), flags.allowPlain))
  } catch (err) {
    if (err instanceof CsvError) throw new UsageError(`${flags.csv}: ${err.message}`)
    throw err
  }
  for (const p of problems) io.stderr(`row ${p.row}: ${p.problem} (skipped)\n`)

  const earlier = flags.resume ? await readState(statePath) : []
  const done = new Set(earlier.map(stateKey))
  const todo = rows.filter((r) => !done.has(stateKey(r)))
  const writer = new StateWriter(statePath)
  const checker = new BulkChecker(io.services, io.signal)
  const limiter = new HostLimiter(perServer)
  setMaxListeners(0, io.signal)
  const started = new Date()
  const t0 = performance.now()
  const progress = new Progress(rows.length, earlier.length, io)

  let next = 0
  const worker = async (): Promise<void> => {
    while (!io.signal.aborted && next < todo.length) {
      const row = todo[next++]!
      let release: (() => void) | undefined
      try {
        release = await limiter.acquire(row.address.slice(row.address.lastIndexOf('@') + 1), io.signal)
        const result = await checker.check(row, await passwordOf(row, io), io.signal)
        // A check cut short by Ctrl+C proves nothing: it is not recorded, so --resume redoes it.
        if (io.signal.aborted) return
        await writer.append(result)
        progress.add(result)
      } catch (err) {
        if (io.signal.aborted) return
        throw err
      } finally {
        release?.()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker))
  progress.end()

  const results = (await readState(statePath)).sort((a, b) => a.row - b.row)
  const interrupted = io.signal.aborted
  await writeUserFile(outPath, csvHeader() + results.map(csvRow).join(''))
  if (flags.html)
    await writeUserFile(
      flags.html,
      htmlReport(results, {
        source: flags.csv,
        started: started.toISOString(),
        ms: performance.now() - t0,
        interrupted
      })
    )
  const ready = results.filter((r) => r.verdict === 'ready').length
  const summary = {
    checked: results.length,
    of: rows.length,
    ready,
    notReady: results.length - ready,
    skipped: problems.length,
    interrupted,
    results: outPath,
    html: flags.html,
    state: statePath
  }
  if (io.json) io.report(summary)
  else
    io.report(
      `${interrupted ? 'Interrupted: ' : ''}${results.length} of ${rows.length} checked, ${ready} ready, ${results.length - ready} not ready. Results: ${outPath}${flags.html ? `, report: ${flags.html}` : ''}${interrupted ? `. Continue with --resume (state: ${statePath}).` : ''}`
    )
  if (interrupted) return CHECK_EXIT.interrupted
  // The whole list is done: the next run starts afresh.
  if (results.length === rows.length) await rm(statePath, { force: true })
  return ready === rows.length ? CHECK_EXIT.allReady : CHECK_EXIT.notAllReady
}

/** Runs `fn` with a signal that Ctrl+C (SIGINT) or SIGTERM aborts, instead of killing the process. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController()
  const stop = (): void => ac.abort()
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    return await fn(ac.signal)
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

async function passwordOf(row: AccountRow, io: CheckIo): Promise<string | undefined> {
  if (!row.password) return undefined
  if ('plain' in row.password) return row.password.plain
  try {
    return await resolvePasswordRef(row.password.ref, io.env, io.services.credentials)
  } catch (err) {
    if (err instanceof RefError) {
      io.stderr(`row ${row.row}: ${err.message}\n`)
      return undefined
    }
    throw err
  }
}

/** "checked 120/1000 · 3 not ready · 41.5/min · about 21 min left", redrawn on a terminal. */
class Progress {
  private checked = 0
  private notReady = 0
  private readonly t0 = performance.now()
  private last = 0

  constructor(
    private readonly total: number,
    private readonly before: number,
    private readonly io: CheckIo
  ) {}

  add(r: CheckResult): void {
    this.checked++
    if (r.verdict !== 'ready') this.notReady++
    const now = performance.now()
    if (now - this.last >= (this.io.tty ? 250 : 5000) || this.before + this.checked === this.total) {
      this.last = now
      this.draw(now)
    }
  }

  private draw(now: number): void {
    const perMin = this.checked / Math.max((now - this.t0) / 60_000, 1e-6)
    const left = this.total - this.before - this.checked
    const eta = left > 0 ? ` · about ${Math.max(1, Math.round(left / perMin))} min left` : ''
    const line = `checked ${this.before + this.checked}/${this.total} · ${this.notReady} not ready · ${perMin.toFixed(1)}/min${eta}`
    if (this.io.tty) this.io.tty(`\r\x1b[2K${line}`)
    else this.io.stderr(`${line}\n`)
  }

  end(): void {
    if (this.io.tty && this.checked) this.io.tty('\n')
  }
}
