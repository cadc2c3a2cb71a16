// The wizard's bulk check: the same per-account check as `mail-setup check --csv` (BulkChecker,
// 8 at once, 2 per domain), served to the window and browser mode. The list is parsed here and
// kept here; the renderer learns only counts, the commands it must confirm and the domains
// the passwords would go to. Results stay here for the reports, redacted as they were made.
//
// Security decision (docs/helpdesk.md): a list opened in the wizard may come from anyone, so
// a `cmd:` reference runs only when the admin confirmed that exact command after seeing it,
// and a plain password column is read only with the same explicit opt-in as the CLI's
// --allow-plain-passwords. env: and keychain: references are resolved without a prompt (they
// run nothing), but the preview names the domains whose trusted servers receive the passwords.
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { BulkPreview, BulkReport, BulkRow, BulkSummary } from '../../shared/bulk-check'
import type { Request } from '../../shared/api'
import { fail } from '../errors'
import type { Services } from '../services'
import { BulkChecker, type CheckResult } from '../bulk/check'
import { CsvError, parseCsv } from '../bulk/csv'
import { resolvePasswordRef, RefError } from '../bulk/password-ref'
import { csvHeader, csvRow, htmlReport } from '../bulk/report'
import { readRows, type AccountRow } from '../bulk/rows'
import { HostLimiter } from '../verify/scheduler'

const CONCURRENCY = 8
const PER_DOMAIN = 2
/** Lists opened and runs finished are kept for a while, not forever: a few of each. */
const KEEP = 4

export interface OpenList {
  fileName: string
  rows: AccountRow[]
  plainColumn: boolean
  commands: Set<string>
}

interface Finished {
  fileName: string
  started: string
  ms: number
  interrupted: boolean
  results: CheckResult[]
}

const kindOf = (row: AccountRow): keyof BulkPreview['refs'] => {
  if (!row.password) return 'none'
  if ('plain' in row.password) return 'plain'
  const kind = row.password.ref.slice(0, row.password.ref.indexOf(':'))
  return kind === 'env' || kind === 'keychain' || kind === 'cmd' ? kind : 'none'
}

const commandOf = (row: AccountRow): string | undefined =>
  row.password && 'ref' in row.password && row.password.ref.startsWith('cmd:') ? row.password.ref.slice(4) : undefined

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value)
  while (map.size > KEEP) map.delete(map.keys().next().value!)
}

export class BulkService {
  private readonly lists = new Map<string, OpenList>()
  private readonly finished = new Map<string, Finished>()

  constructor(
    private readonly services: Services,
    private readonly env: NodeJS.ProcessEnv
  ) {}

  open(req: Request<'bulkOpen'>): BulkPreview {
    const listId = randomUUID()
    const empty = { env: 0, keychain: 0, cmd: 0, plain: 0, none: 0 }
    let parsed: ReturnType<typeof readRows>
    let plainColumn: boolean
    try {
      // Read as if plain passwords were allowed, to say whether the list has them; the consent is asked at start.
      parsed = readRows(req.csv, true)
      plainColumn = (parseCsv(req.csv.replace(/^\uFEFF/, ''))[0] ?? []).some(
        (name) => name.trim().toLowerCase() === 'password'
      )
    } catch (err) {
      if (!(err instanceof CsvError)) throw err
      return {
        listId,
        fileName: req.fileName,
        rows: 0,
        problems: [],
        plainColumn: false,
        refs: empty,
        commands: [],
        moreCommands: false,
        domains: [],
        invalid: { line: err.line, reason: err.message.slice(0, 300) }
      }
    }
    const refs = { ...empty }
    const commands = new Set<string>()
    const domains = new Set<string>()
    for (const row of parsed.rows) {
      refs[kindOf(row)]++
      const cmd = commandOf(row)
      if (cmd) commands.add(cmd)
      if (row.password) domains.add(row.address.slice(row.address.lastIndexOf('@') + 1))
    }
    remember(this.lists, listId, { fileName: req.fileName, rows: parsed.rows, plainColumn, commands })
    return {
      listId,
      fileName: req.fileName,
      rows: parsed.rows.length,
      problems: parsed.problems.slice(0, 100),
      plainColumn,
      refs,
      commands: [...commands].slice(0, 64),
      moreCommands: commands.size > 64,
      domains: [...domains].slice(0, 50)
    }
  }

  /** The opened list, if the request gives every consent it needs; throws otherwise, before anything runs. */
  accept(req: Request<'bulkStart'>): OpenList {
    const list = this.lists.get(req.listId)
    if (!list) fail('unsupported', { detail: 'no such list: open it again' })
    if (list.plainColumn && !req.allowPlainPasswords)
      fail('unsupported', { detail: 'the list has a plain password column and plain passwords were not allowed' })
    const confirmed = new Set(req.confirmedCommands)
    const unconfirmed = [...list.commands].filter((c) => !confirmed.has(c))
    if (unconfirmed.length)
      fail('unsupported', { detail: `${unconfirmed.length} command(s) of the list were not confirmed` })
    // A list is checked once: its plain passwords and commands do not wait in memory for a second run.
    this.lists.delete(req.listId)
    return list
  }

  async run(runId: string, list: OpenList, signal: AbortSignal, onRow: (row: BulkRow) => void): Promise<BulkSummary> {
    const checker = new BulkChecker(this.services, signal)
    const limiter = new HostLimiter(PER_DOMAIN)
    setMaxListeners(0, signal)
    const results: CheckResult[] = []
    const started = new Date()
    const t0 = performance.now()
    let next = 0
    const worker = async (): Promise<void> => {
      while (!signal.aborted && next < list.rows.length) {
        const row = list.rows[next++]!
        let release: (() => void) | undefined
        try {
          release = await limiter.acquire(row.address.slice(row.address.lastIndexOf('@') + 1), signal)
          const result = await checker.check(row, await this.passwordOf(row), signal)
          // A check cut short by cancel proves nothing: it is not recorded.
          if (signal.aborted) return
          results.push(result)
          onRow(result)
        } catch (err) {
          if (signal.aborted) return
          throw err
        } finally {
          release?.()
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, list.rows.length) }, worker))
    } finally {
      // Whatever happened, what was done is kept for the reports.
      results.sort((a, b) => a.row - b.row)
      const ms = performance.now() - t0
      remember(this.finished, runId, {
        fileName: list.fileName,
        started: started.toISOString(),
        ms,
        interrupted: signal.aborted,
        results
      })
    }
    const ready = results.filter((r) => r.verdict === 'ready').length
    return {
      checked: results.length,
      of: list.rows.length,
      ready,
      interrupted: signal.aborted,
      ms: Math.round(performance.now() - t0)
    }
  }

  report(req: Request<'bulkReport'>): BulkReport {
    const run = this.finished.get(req.runId)
    if (!run) fail('unsupported', { detail: 'no finished bulk check with this id' })
    const base =
      run.fileName
        .replace(/\.csv$/i, '')
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 100) || 'accounts'
    if (req.format === 'csv')
      return {
        fileName: `${base}.results.csv`,
        mimeType: 'text/csv;charset=utf-8',
        content: csvHeader() + run.results.map(csvRow).join('')
      }
    const meta = { source: run.fileName, started: run.started, ms: run.ms, interrupted: run.interrupted }
    return {
      fileName: `${base}.report.html`,
      mimeType: 'text/html;charset=utf-8',
      content: htmlReport(run.results, meta)
    }
  }

  private async passwordOf(row: AccountRow): Promise<string | undefined> {
    if (!row.password) return undefined
    if ('plain' in row.password) return row.password.plain
    try {
      return await resolvePasswordRef(row.password.ref, this.env, this.services.credentials)
    } catch (err) {
      // The row's verdict says no password; the reason never names the value.
      if (err instanceof RefError) return undefined
      throw err
    }
  }
}
