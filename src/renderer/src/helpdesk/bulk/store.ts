// The bulk view's state and its run. The file's bytes go to the main side once, in pieces
// (each under the door's request limit), to be kept and read there as a stream; they are not
// kept here. What comes back is counts, commands to confirm and domains. Rows arrive as `bulk`
// events and are kept in bounds (kept.ts: counts, and at most 500 rows for the table); a stopped
// run keeps what was done for the reports, and Resume checks only the rest (also after a restart:
// main keeps the results and the preview of the same list says how far it got).
import type { BulkPreview, BulkRow, BulkSummary } from '../../../../shared/bulk-check'
import { MAX_WIZARD_LIST_BYTES, MAX_WIZARD_PIECE } from '../../../../shared/bulk-check'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { diagnose } from '../../../../shared/diagnosis-catalog'
import { api } from '../../api'
import { downloadBlob } from '../../components/download'
import { fetchDownload } from '../../api/http'
import { onEvent } from '../../events'
import { newRunId } from '../../state'
import { createStore } from '../store'
import { keep, NOTHING_KEPT, type Kept } from './kept'

export interface BulkView {
  preview?: BulkPreview
  opening: boolean
  /** The file was too big for the wizard (the CLI takes any size). */
  tooBig?: string
  openError?: Diagnosis
  allowPlain: boolean
  commandsConfirmed: boolean
  runId?: string
  /** The list the last run checked: the main side forgets a list once it runs, so it is picked again to rerun. */
  startedList?: string
  running: boolean
  startedAt?: number
  /** Rows an earlier run had finished before this one started (they count, but not for the rate). */
  before?: number
  /** Counts per verdict and the rows the table shows (bounded; every row is in the reports). */
  kept: Kept
  summary?: BulkSummary
  error?: Diagnosis
  /** Where the window's save dialog put the last report. */
  reportSaved?: string
}

export const bulkStore = createStore<BulkView>({
  opening: false,
  allowPlain: false,
  commandsConfirmed: false,
  running: false,
  kept: NOTHING_KEPT
})

/** Rows that arrived since the page last drew, for the run they belong to. */
let batch: { runId: string; rows: BulkRow[] } | undefined
/** The page is drawn again at most this often while rows arrive (a fast run sends dozens a second). */
const DRAW_EVERY_MS = 250

function flush(): void {
  const b = batch
  batch = undefined
  if (b) bulkStore.set((s) => (s.runId === b.runId ? { kept: keep(s.kept, b.rows) } : {}))
}

let listening = false
function listen(): void {
  if (listening) return
  listening = true
  onEvent('bulk', (e) => {
    if (e.runId !== bulkStore.get().runId) return
    if (e.kind === 'row') {
      if (!batch || batch.runId !== e.runId) {
        batch = { runId: e.runId, rows: [] }
        setTimeout(flush, DRAW_EVERY_MS)
      }
      batch.rows.push(e.row)
      return
    }
    // Every row the run sent is counted before its end is shown.
    flush()
    bulkStore.set({ running: false, summary: e.summary, error: e.error })
  })
}

export async function openList(file: File): Promise<void> {
  bulkStore.set({
    opening: true,
    preview: undefined,
    tooBig: undefined,
    openError: undefined,
    allowPlain: false,
    commandsConfirmed: false
  })
  if (file.size > MAX_WIZARD_LIST_BYTES) {
    bulkStore.set({ opening: false, tooBig: file.name })
    return
  }
  // Decoded as a stream and sent a piece at a time: the page never holds the whole file.
  let uploadId: string | undefined
  const send = async (piece: string): Promise<boolean> => {
    const res = await api.bulkAppend({ uploadId, piece })
    if (!res.ok) bulkStore.set({ opening: false, openError: res.error })
    else uploadId = res.value.uploadId
    return res.ok
  }
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader()
  let pending = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (value) pending += value
    while (pending.length >= MAX_WIZARD_PIECE || (done && pending.length > 0)) {
      // Never between the two halves of a character outside the BMP.
      const high = /[\uD800-\uDBFF]/.test(pending[MAX_WIZARD_PIECE - 1] ?? '')
      const cut = pending.length > MAX_WIZARD_PIECE && high ? MAX_WIZARD_PIECE - 1 : MAX_WIZARD_PIECE
      if (!(await send(pending.slice(0, cut)))) return void reader.cancel()
      pending = pending.slice(cut)
    }
    if (done) break
  }
  if (!uploadId && !(await send(''))) return
  const res = await api.bulkOpen({ fileName: file.name.slice(0, 255), uploadId: uploadId! })
  bulkStore.set(res.ok ? { opening: false, preview: res.value } : { opening: false, openError: res.error })
}

/** Whether the admin has given every consent the list needs. */
export function canStart(s: BulkView): boolean {
  const p = s.preview
  if (!p || p.invalid || p.rows === 0 || s.running || s.startedList === p.listId) return false
  return consented(s)
}

/**
 * A stopped run of the list on screen can go on where it stopped: one of this page (under the
 * consent it was given), or an earlier one main kept (before a restart, or of the same list
 * picked again), once the admin gave the consents the list needs again.
 */
export function canResume(s: BulkView): boolean {
  const p = s.preview
  if (s.running || !p) return false
  if (s.startedList === p.listId) return Boolean(s.summary?.interrupted)
  return Boolean(p.earlier) && consented(s)
}

const consented = (s: BulkView): boolean =>
  Boolean(s.preview && !s.preview.moreCommands) &&
  (!s.preview?.plainColumn || s.allowPlain) &&
  (s.preview?.commands.length === 0 || s.commandsConfirmed)

export async function start(resume = false): Promise<void> {
  const s = bulkStore.get()
  if (!s.preview || !(resume ? canResume(s) : canStart(s))) return
  listen()
  const runId = newRunId()
  // Resuming this page's run keeps its rows; an earlier run's rows come from main first.
  const same = resume && s.startedList === s.preview.listId
  bulkStore.set({
    runId,
    startedList: s.preview.listId,
    running: true,
    // A resumed run keeps the rows on screen and its clock: rate and time left stay true.
    startedAt: same && s.startedAt ? Date.now() - (s.summary?.ms ?? 0) : Date.now(),
    kept: same ? s.kept : NOTHING_KEPT,
    before: same ? s.before : resume ? s.preview.earlier : 0,
    reportSaved: undefined,
    summary: undefined,
    error: undefined
  })
  const res = await api.bulkStart({
    runId,
    listId: s.preview.listId,
    allowPlainPasswords: s.allowPlain,
    confirmedCommands: s.commandsConfirmed ? s.preview.commands : [],
    resume
  })
  // The run ends with a `bulk` event; only a refusal to start ends it here.
  if (!res.ok && bulkStore.get().runId === runId) bulkStore.set({ running: false, error: res.error })
}

export async function cancel(): Promise<void> {
  const { runId } = bulkStore.get()
  if (runId) await api.cancel({ runId })
}

export async function saveReport(format: 'csv' | 'html'): Promise<void> {
  const { runId } = bulkStore.get()
  if (!runId) return
  // Main writes the report as a stream: to the file the admin chose (the window), or for this page to fetch.
  const res = await api.bulkReport({ runId, format })
  if (!res.ok) return void bulkStore.set({ error: res.error })
  const { download, fileName, saved, path } = res.value
  if (saved) return void bulkStore.set({ reportSaved: path ?? fileName })
  if (!download) return
  try {
    downloadBlob(fileName, await fetchDownload(download))
  } catch (err) {
    bulkStore.set({ error: diagnose('internal', { detail: `the report could not be fetched: ${String(err)}` }) })
  }
}

/** Checked so far, a rate per minute and the minutes left at that rate. */
export function progressOf(
  s: BulkView,
  now: number
): { done: number; total: number; perMinute?: number; minutesLeft?: number } {
  const total = s.preview?.rows ?? 0
  const done = s.kept.checked
  const own = done - (s.before ?? 0)
  if (!s.startedAt || own <= 0) return { done, total }
  const perMinute = own / Math.max((now - s.startedAt) / 60_000, 1e-6)
  return { done, total, perMinute, minutesLeft: total > done ? (total - done) / perMinute : 0 }
}
