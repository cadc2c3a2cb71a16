// What the wizard's bulk page holds of a run (renderer's helpdesk/bulk/kept.ts): counts per
// verdict and at most KEPT_ROWS rows, those needing attention most before the others, however
// long the list. Fed as the page is, in batches of rows as the run sends them.
import { describe, expect, it } from 'vitest'
import {
  keep,
  KEPT_ROWS,
  needAttention,
  NOTHING_KEPT,
  notShown,
  type Kept
} from '../../src/renderer/src/helpdesk/bulk/kept'
import type { BulkRow } from '../../src/shared/bulk-check'

const row = (n: number, bad: (n: number) => boolean): BulkRow =>
  bad(n)
    ? { row: n, address: `u${n}@example.org`, verdict: 'sign-in-refused', code: 'auth-failed', ms: 40 }
    : { row: n, address: `u${n}@example.org`, verdict: 'ready', incoming: 'imap mail.example.org:993 tls', ms: 40 }

/** A run of `total` rows, finishing in list order, arriving in batches of `every`. */
function run(total: number, bad: (n: number) => boolean, every = 37, from: Kept = NOTHING_KEPT): Kept {
  let kept = from
  for (let n = 1; n <= total; n += every)
    kept = keep(
      kept,
      Array.from({ length: Math.min(every, total - n + 1) }, (_, i) => row(n + i, bad))
    )
  return kept
}

describe('the bulk page keeps counts and a bounded table', () => {
  it('keeps every row of a short list', () => {
    const kept = run(40, (n) => n % 5 === 0)
    expect(kept.rows.map((r) => r.row)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(kept.counts).toEqual({ ready: 32, 'sign-in-refused': 8 })
    expect(notShown(kept)).toBe(0)
  })

  it('keeps at most KEPT_ROWS of 10,000 rows, every row needing attention before ready ones', () => {
    const bad = (n: number): boolean => n % 97 === 0 // 103 rows need attention, spread through the list
    const kept = run(10_000, bad)
    expect(kept.checked).toBe(10_000)
    expect(kept.counts).toEqual({ ready: 9_897, 'sign-in-refused': 103 })
    expect(needAttention(kept)).toBe(103)
    expect(kept.rows).toHaveLength(KEPT_ROWS)
    // All 103 are on the page, even those that came after the table was full.
    expect(kept.rows.filter((r) => r.verdict !== 'ready').map((r) => r.row)).toEqual(
      Array.from({ length: 103 }, (_, i) => (i + 1) * 97)
    )
    expect(notShown(kept)).toBe(9_500)
  })

  it('when more rows need attention than fit, keeps the first of them and counts the rest', () => {
    const kept = run(10_000, (n) => n % 3 === 0)
    expect(kept.rows).toHaveLength(KEPT_ROWS)
    expect(kept.rows.every((r) => r.verdict === 'sign-in-refused')).toBe(true)
    expect(kept.rows.map((r) => r.row)).toEqual(Array.from({ length: KEPT_ROWS }, (_, i) => (i + 1) * 3))
    expect(kept.counts['sign-in-refused']).toBe(3_333)
  })

  it('past the limit, a row needing more attention takes the place of one needing less', () => {
    const verdicts: Record<number, BulkRow['verdict']> = {
      5: 'ready',
      9_990: 'sign-in-refused',
      9_991: 'locked-or-limited'
    }
    let kept = NOTHING_KEPT
    for (let n = 1; n <= 10_000; n += 50)
      kept = keep(
        kept,
        Array.from({ length: 50 }, (_, i) => ({
          row: n + i,
          address: `u${n + i}@example.org`,
          verdict: verdicts[n + i] ?? 'no-password',
          ms: 0
        }))
      )
    expect(kept.rows).toHaveLength(KEPT_ROWS)
    expect(kept.counts).toEqual({ ready: 1, 'no-password': 9_997, 'sign-in-refused': 1, 'locked-or-limited': 1 })
    const shown = new Set(kept.rows.map((r) => r.row))
    // The two rows the admin must act on, though they came long after the table was full; the ready one gave way.
    expect([shown.has(9_990), shown.has(9_991), shown.has(5)]).toEqual([true, true, false])
  })

  it('a resume goes on from what the page kept', () => {
    const first = run(300, (n) => n === 7)
    const resumed = keep(first, [
      row(301, () => true),
      ...Array.from({ length: 400 }, (_, i) => row(302 + i, () => false))
    ])
    expect(resumed.checked).toBe(701)
    expect(resumed.rows).toHaveLength(KEPT_ROWS)
    expect(resumed.rows.filter((r) => r.verdict !== 'ready').map((r) => r.row)).toEqual([7, 301])
  })
})
