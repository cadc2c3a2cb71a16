// `mail-setup check --csv accounts.csv`: a readiness check of many accounts for helpdesks
// and IT teams, on the one run loop (bulk/run.ts) the wizard uses too: bounded concurrency
// overall and per server (2 by default: many domains on one server share it), lockout-safe
// (each account gets the same one attempt per user-name form as the wizard), progress with
// rate and ETA on stderr, resumable through a state file, and Ctrl+C ends cleanly with what
// was done written out. The list, the results and the reports are streamed: memory does not
// grow with the list.
import { existsSync } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { Services } from '../services'
import type { CheckResult } from '../bulk/check'
import { resolvePasswordRef, RefError } from '../bulk/password-ref'
import { csvReport, htmlReport, tally } from '../bulk/report'
import { streamRows, type AccountRow } from '../bulk/rows'
import { doneKeys, eachState } from '../bulk/state'
import { CsvError } from '../bulk/csv'
import { DEFAULT_CONCURRENCY, DEFAULT_PER_SERVER, runBulk } from '../bulk/run'
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

/** One streaming pass over the list before anything runs: its accounts counted, the list refused whole if unusable. */
async function survey(path: string, allowPlain: boolean, io: CheckIo): Promise<{ rows: number; problems: number }> {
  let rows = 0
  let problems = 0
  try {
    for await (const r of streamRows(path, allowPlain)) {
      if ('problem' in r) {
        problems++
        io.stderr(`row ${r.row}: ${r.problem} (skipped)\n`)
      } else rows++
    }
  } catch (err) {
    if (err instanceof CsvError) throw new UsageError(`${path}: ${err.message}`)
    throw err
  }
  return { rows, problems }
}

export async function checkCommand(flags: CheckFlags, io: CheckIo): Promise<number> {
  if (!flags.csv)
    throw new UsageError(
      '--csv FILE is required: a header line with address, and password_ref (env:NAME, keychain:KEY or cmd:COMMAND) or username'
    )
  const list = flags.csv
  const concurrency = count(flags.concurrency, DEFAULT_CONCURRENCY, '--concurrency')
  const perServer = count(flags.perServer, DEFAULT_PER_SERVER, '--per-server')
  const statePath = flags.state ?? `${list}.state`
  const outPath = flags.out ?? `${list}.results.csv`
  const size = await stat(list).then(
    (s) => s.size,
    () => -1
  )
  if (size < 0) throw new UsageError(`cannot read ${list}`)
  if (size > MAX_LIST_BYTES) throw new UsageError(`${list} is larger than 64 MiB`)
  if (!flags.resume && existsSync(statePath))
    throw new UsageError(
      `${statePath} holds an earlier run: add --resume to continue it, or remove the file to start again`
    )

  const { rows: total, problems } = await survey(list, flags.allowPlain, io)
  const done = flags.resume ? await doneKeys(statePath) : new Set<string>()
  const started = new Date()
  const t0 = performance.now()
  const progress = new Progress(total, done.size, io)
  await runBulk({
    services: io.services,
    signal: io.signal,
    rows: streamRows(list, flags.allowPlain),
    done,
    statePath,
    concurrency,
    perServer,
    password: (row) => passwordOf(row, io),
    onResult: (r) => progress.add(r)
  })
  progress.end()

  const interrupted = io.signal.aborted
  const rows = (): AsyncIterable<CheckResult> => eachState(statePath)
  const t = await tally(rows())
  await writeUserFile(outPath, csvReport(rows))
  if (flags.html)
    await writeUserFile(
      flags.html,
      htmlReport(rows, { source: list, started: started.toISOString(), ms: performance.now() - t0, interrupted })
    )
  const checked = t.checked
  const ready = t.byVerdict.get('ready') ?? 0
  const summary = {
    checked,
    of: total,
    ready,
    notReady: checked - ready,
    skipped: problems,
    interrupted,
    results: outPath,
    html: flags.html,
    state: statePath
  }
  if (io.json) io.report(summary)
  else
    io.report(
      `${interrupted ? 'Interrupted: ' : ''}${checked} of ${total} checked, ${ready} ready, ${checked - ready} not ready. Results: ${outPath}${flags.html ? `, report: ${flags.html}` : ''}${interrupted ? `. Continue with --resume (state: ${statePath}).` : ''}`
    )
  if (interrupted) return CHECK_EXIT.interrupted
  // The whole list is done: the next run starts afresh.
  if (checked === total) await rm(statePath, { force: true })
  return ready === total ? CHECK_EXIT.allReady : CHECK_EXIT.notAllReady
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
