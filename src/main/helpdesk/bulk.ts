// The wizard's bulk check: the run loop of `mail-setup check --csv` (bulk/run.ts: 8 at once,
// 2 per server, the state file), served to the window and browser mode. The list arrives in
// pieces (`bulkAppend`, each under the door's request limit) into a file of main's own in the
// user-data folder (0600), and is read from there as a stream, like the CLI reads its file:
// neither its size (up to 64 MiB) nor its length is a memory problem. The renderer learns
// only counts, the commands it must confirm and the domains the passwords would go to.
// Finished rows go to the list's state file as they end; Stop keeps them, and Resume checks
// only the rest. The reports are made from the state file by streaming passes.
//
// Resume after a restart: the state file (results only, never a password) is named by the
// list's identity (bulk/list-identity.ts: every row's number, address, reference and username,
// never a plain password) and outlives the app session; the copy of the list does not. When
// the admin picks the same list again, the preview says how far an earlier run got and Resume
// checks only the rest, under the consent given again; the page gets the earlier rows first.
//
// Security decision (docs/helpdesk.md): a list opened in the wizard may come from anyone, so
// a `cmd:` reference runs only when the admin confirmed that exact command after seeing it,
// and a plain password column is read only with the same explicit opt-in as the CLI's
// --allow-plain-passwords. env: and keychain: references are resolved without a prompt (they
// run nothing), but the preview names the domains whose trusted servers receive the passwords.
// The copy of a list is removed once the list is fully checked, replaced or forgotten.
import { randomUUID } from 'node:crypto'
import { appendFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { BulkPreview, BulkRow, BulkSummary } from '../../shared/bulk-check'
import { MAX_WIZARD_LIST_BYTES } from '../../shared/bulk-check'
import type { Request } from '../../shared/api'
import { fail } from '../errors'
import type { Services } from '../services'
import type { CheckResult } from '../bulk/check'
import { CsvError } from '../bulk/csv'
import { resolvePasswordRef, RefError } from '../bulk/password-ref'
import { csvReport, htmlReport, tally } from '../bulk/report'
import type { DownloadFile } from '../api/handlers'
import { streamRows, type AccountRow } from '../bulk/rows'
import { doneKeys, eachState } from '../bulk/state'
import { DEFAULT_CONCURRENCY, DEFAULT_PER_SERVER, runBulk } from '../bulk/run'
import { ListIdentity } from '../bulk/list-identity'
import { bulkFolder, sweepOnce } from './bulk-folder'

/** Lists kept open (for a resume or the reports) are a few, not forever. */
const KEEP = 4
const MAX_COMMANDS = 64

interface Upload {
  path: string
  bytes: number
}

export interface OpenList {
  id: string
  fileName: string
  /** main's copy of the list; removed once every row is checked. */
  path: string
  /** Named by the list's identity: the same list picked again (after a restart too) finds it. */
  statePath: string
  rows: number
  /** Rows an earlier, stopped run of this same list finished (found at open); 0 when none. */
  earlier: number
  plainColumn: boolean
  commands: Set<string>
  /** The consent the first start gave: a resume runs under exactly it. */
  consent?: { allowPlain: boolean; commands: Set<string> }
  running: boolean
  /** Every row checked: the list is not started again (the admin picks it again to recheck). */
  complete: boolean
  /** The next run starts over (its state file is emptied first) / sends the earlier rows first. */
  next?: 'fresh' | 'resume-earlier'
  runs: Map<string, { started: string; ms: number; interrupted: boolean }>
}

const kindOf = (row: AccountRow): keyof BulkPreview['refs'] => {
  if (!row.password) return 'none'
  if ('plain' in row.password) return 'plain'
  const kind = row.password.ref.slice(0, row.password.ref.indexOf(':'))
  return kind === 'env' || kind === 'keychain' || kind === 'cmd' ? kind : 'none'
}

const commandOf = (row: AccountRow): string | undefined =>
  row.password && 'ref' in row.password && row.password.ref.startsWith('cmd:') ? row.password.ref.slice(4) : undefined

export class BulkService {
  private readonly uploads = new Map<string, Upload>()
  private readonly lists = new Map<string, OpenList>()
  private readonly dir: string
  private ready: Promise<void> | undefined

  constructor(
    private readonly services: Services,
    private readonly env: NodeJS.ProcessEnv
  ) {
    this.dir = bulkFolder(services.config.userDataDir)
  }

  /** The folder, swept of earlier sessions' lists before this session's first use of it (bulk-folder.ts). */
  private folder(): Promise<void> {
    return (this.ready ??= sweepOnce(this.services.config))
  }

  /** A piece of a list being sent; the first piece starts a new upload. */
  async append(req: Request<'bulkAppend'>): Promise<{ uploadId: string; bytes: number }> {
    await this.folder()
    let id = req.uploadId
    let upload = id ? this.uploads.get(id) : undefined
    if (id && !upload) fail('unsupported', { detail: 'no such upload: pick the file again' })
    if (!upload) {
      id = randomUUID()
      upload = { path: join(this.dir, `${id}.csv`), bytes: 0 }
      this.uploads.set(id, upload)
      while (this.uploads.size > KEEP) await this.dropUpload(this.uploads.keys().next().value!)
    }
    const bytes = Buffer.byteLength(req.piece)
    if (upload.bytes + bytes > MAX_WIZARD_LIST_BYTES) {
      await this.dropUpload(id!)
      fail('unsupported', { detail: `the list is larger than ${MAX_WIZARD_LIST_BYTES / 1024 / 1024} MiB` })
    }
    await appendFile(upload.path, req.piece, { mode: 0o600 })
    upload.bytes += bytes
    return { uploadId: id!, bytes: upload.bytes }
  }

  private async dropUpload(id: string): Promise<void> {
    const u = this.uploads.get(id)
    this.uploads.delete(id)
    if (u) await rm(u.path, { force: true })
  }

  /** Reads an uploaded list as a stream and says what it would use; the list is kept for start and resume. */
  async open(req: Request<'bulkOpen'>): Promise<BulkPreview> {
    const upload = this.uploads.get(req.uploadId)
    if (!upload) fail('unsupported', { detail: 'no such upload: pick the file again' })
    this.uploads.delete(req.uploadId)
    const listId = randomUUID()
    const path = join(this.dir, `${listId}.csv`)
    await rm(path, { force: true })
    await rename(upload.path, path)
    const empty = { env: 0, keychain: 0, cmd: 0, plain: 0, none: 0 }
    const refs = { ...empty }
    const commands = new Set<string>()
    const domains = new Set<string>()
    const problems: BulkPreview['problems'] = []
    let rows = 0
    let plainColumn = false
    const identity = new ListIdentity()
    try {
      // Read as if plain passwords were allowed, to say whether the list has them; the consent is asked at start.
      for await (const row of streamRows(path, true, (names) => (plainColumn = names.includes('password')))) {
        identity.add(row)
        if ('problem' in row) {
          if (problems.length < 100) problems.push(row)
          continue
        }
        rows++
        refs[kindOf(row)]++
        const cmd = commandOf(row)
        if (cmd && commands.size <= MAX_COMMANDS) commands.add(cmd)
        if (row.password && domains.size < 50) domains.add(row.address.slice(row.address.lastIndexOf('@') + 1))
      }
    } catch (err) {
      await rm(path, { force: true })
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
    const statePath = join(this.dir, `${identity.digest()}.state`)
    // Rows of this same list an earlier run finished (this session or before a restart).
    const done = (await doneKeys(statePath)).size
    const earlier = done < rows ? done : 0
    const list: OpenList = {
      id: listId,
      fileName: req.fileName,
      path,
      statePath,
      rows,
      earlier,
      plainColumn,
      commands,
      running: false,
      complete: false,
      runs: new Map()
    }
    this.lists.set(listId, list)
    while (this.lists.size > KEEP) await this.forget(this.lists.keys().next().value!)
    return {
      listId,
      fileName: req.fileName,
      rows,
      problems,
      plainColumn,
      refs,
      commands: [...commands].slice(0, MAX_COMMANDS),
      moreCommands: commands.size > MAX_COMMANDS,
      domains: [...domains],
      ...(earlier ? { earlier } : {})
    }
  }

  private async forget(listId: string): Promise<void> {
    const list = this.lists.get(listId)
    this.lists.delete(listId)
    if (!list) return
    // The same list picked again shares the state file: it stays while one of them is open.
    const shared = [...this.lists.values()].some((l) => l.statePath === list.statePath)
    await Promise.all([rm(list.path, { force: true }), shared ? undefined : rm(list.statePath, { force: true })])
  }

  /** The opened list, if the request gives every consent it needs; throws otherwise, before anything runs. */
  accept(req: Request<'bulkStart'>): OpenList {
    const list = this.lists.get(req.listId)
    if (!list || list.complete || (list.consent && !req.resume))
      fail('unsupported', { detail: 'no such list to check (a checked list is picked again)' })
    if ([...this.lists.values()].some((l) => l.running && l.statePath === list.statePath))
      fail('unsupported', { detail: 'this list is being checked already' })
    // A stopped run of this session goes on under the consent it was given.
    if (req.resume && list.consent) return list
    if (req.resume && !list.earlier) fail('unsupported', { detail: 'no stopped check of this list to resume' })
    if (list.plainColumn && !req.allowPlainPasswords)
      fail('unsupported', { detail: 'the list has a plain password column and plain passwords were not allowed' })
    if (list.commands.size > MAX_COMMANDS) fail('unsupported', { detail: 'the list runs too many commands' })
    const confirmed = new Set(req.confirmedCommands)
    const unconfirmed = [...list.commands].filter((c) => !confirmed.has(c))
    if (unconfirmed.length)
      fail('unsupported', { detail: `${unconfirmed.length} command(s) of the list were not confirmed` })
    list.consent = { allowPlain: req.allowPlainPasswords, commands: list.commands }
    // Resuming an earlier run (before a restart, or of the same list picked again): the page has
    // none of its rows yet. Starting afresh: an earlier run's results are replaced.
    list.next = req.resume ? 'resume-earlier' : 'fresh'
    return list
  }

  async run(runId: string, list: OpenList, signal: AbortSignal, onRow: (row: BulkRow) => void): Promise<BulkSummary> {
    const consent = list.consent!
    const started = new Date()
    const t0 = performance.now()
    list.running = true
    try {
      const next = list.next
      list.next = undefined
      if (next === 'fresh') await rm(list.statePath, { force: true })
      if (next === 'resume-earlier') for await (const r of eachState(list.statePath)) onRow(r)
      await runBulk({
        services: this.services,
        signal,
        rows: streamRows(list.path, consent.allowPlain),
        done: await doneKeys(list.statePath),
        statePath: list.statePath,
        concurrency: DEFAULT_CONCURRENCY,
        perServer: DEFAULT_PER_SERVER,
        password: (row) => this.passwordOf(row, consent.commands),
        onResult: onRow
      })
    } finally {
      // Whatever happened, what was done is in the state file for the reports and a resume.
      list.running = false
      list.runs.set(runId, { started: started.toISOString(), ms: performance.now() - t0, interrupted: signal.aborted })
    }
    const t = await tally(eachState(list.statePath))
    // Every row checked: the copy of the list (and any password in it) goes; the results stay for the reports.
    if (!signal.aborted && t.checked >= list.rows) {
      list.complete = true
      await rm(list.path, { force: true })
    }
    return {
      checked: t.checked,
      of: list.rows,
      ready: t.byVerdict.get('ready') ?? 0,
      interrupted: signal.aborted,
      ms: Math.round(performance.now() - t0)
    }
  }

  /** A report of a finished or stopped run, as a stream over the state file each time it is read. */
  reportFile(req: Request<'bulkReport'>): DownloadFile {
    const list = [...this.lists.values()].find((l) => l.runs.has(req.runId))
    const run = list?.runs.get(req.runId)
    if (!list || !run) fail('unsupported', { detail: 'no finished bulk check with this id' })
    const base =
      list.fileName
        .replace(/\.csv$/i, '')
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 100) || 'accounts'
    const rows = (): AsyncIterable<CheckResult> => eachState(list.statePath)
    if (req.format === 'csv')
      return { fileName: `${base}.results.csv`, mimeType: 'text/csv;charset=utf-8', body: () => csvReport(rows) }
    const meta = { source: list.fileName, started: run.started, ms: run.ms, interrupted: run.interrupted }
    return { fileName: `${base}.report.html`, mimeType: 'text/html;charset=utf-8', body: () => htmlReport(rows, meta) }
  }

  private async passwordOf(row: AccountRow, confirmed: Set<string>): Promise<string | undefined> {
    if (!row.password) return undefined
    if ('plain' in row.password) return row.password.plain
    // Only a command the admin confirmed runs, even if the file changed since it was opened.
    const cmd = commandOf(row)
    if (cmd !== undefined && !confirmed.has(cmd)) return undefined
    try {
      return await resolvePasswordRef(row.password.ref, this.env, this.services.credentials)
    } catch (err) {
      // The row's verdict says no password; the reason never names the value.
      if (err instanceof RefError) return undefined
      throw err
    }
  }
}
