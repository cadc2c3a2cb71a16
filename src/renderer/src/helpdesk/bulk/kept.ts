// What the bulk page holds of a run: a count per verdict and at most KEPT_ROWS rows for its
// live table, whatever the list's length (up to 64 MiB, hundreds of thousands of rows). While
// the run is short every row is kept; past the limit a row takes the place of a kept row that
// needs attention less (a ready row first, then in VERDICT_ORDER's order), and otherwise is only
// counted. Every row is in the reports, which main writes from its state file. Rows arrive in
// batches (one update of the page per batch); a batch costs at most the kept rows, never the run.
import { VERDICT_ORDER, type BulkRow, type Verdict } from '../../../../shared/bulk-check'

/** Rows the live table shows at most: enough for a helpdesk's list whole, few enough to stay quick. */
export const KEPT_ROWS = 500

/** How much a row needs attention: a locked account more than a wrong password, a ready one least. */
const need = (r: BulkRow): number => VERDICT_ORDER.length - VERDICT_ORDER.indexOf(r.verdict)

export interface Kept {
  /** Rows finished in this list's runs (a resume goes on counting). */
  checked: number
  counts: Partial<Record<Verdict, number>>
  /** At most KEPT_ROWS: every row while they fit, then those needing attention before ready ones. */
  rows: BulkRow[]
}

export const NOTHING_KEPT: Kept = { checked: 0, counts: {}, rows: [] }

export function keep(before: Kept, batch: BulkRow[]): Kept {
  if (!batch.length) return before
  const counts = { ...before.counts }
  const rows = [...before.rows]
  for (const row of batch) {
    counts[row.verdict] = (counts[row.verdict] ?? 0) + 1
    if (rows.length < KEPT_ROWS) {
      rows.push(row)
      continue
    }
    // The kept row needing attention least (the latest of those): it gives its place to one needing it more.
    let least = rows.length - 1
    for (let i = rows.length - 2; i >= 0; i--) if (need(rows[i]!) < need(rows[least]!)) least = i
    if (need(row) > need(rows[least]!)) {
      rows.splice(least, 1)
      rows.push(row)
    }
  }
  return { checked: before.checked + batch.length, counts, rows }
}

/** Rows checked that the table does not show (they are in the reports). */
export const notShown = (k: Kept): number => k.checked - k.rows.length

/** Rows needing attention, counted (every verdict but ready). */
export const needAttention = (k: Kept): number => k.checked - (k.counts.ready ?? 0)
