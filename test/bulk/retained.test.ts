// A bulk check holds nothing per row once the row is done: memory stays flat however long the
// list. Node 20's AbortSignal.any() gives each signal it composes a WeakRef in its sources' set
// of dependants and never takes it out, so a check that composed its signals straight from the
// run's signal (Ctrl+C, the wizard's Stop) kept about 26 of them a row, 1.5 KB a row, for the
// whole run. The real run loop over N and then 4N accounts, against the bench's real Dovecot
// and submission, under one run signal: after each run that signal holds no dependant and no
// listener, so nothing of the rows can hang from it, whatever N. And what a run keeps per domain
// (each domain's discovery) is bounded: a hosting provider's list may name thousands of domains.
import { getEventListeners } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { BulkChecker, type CheckResult } from '../../src/main/bulk/check'
import { runBulk } from '../../src/main/bulk/run'
import type { AccountRow } from '../../src/main/bulk/rows'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import { startWorld } from '../world/compose'
import { writeIspDir } from '../world/isp'

const bench = inject('bench')

/** What AbortSignal.any() has recorded on `signal` as composed from it (Node's own bookkeeping). */
function dependants(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals')
  return key ? ((signal as unknown as Record<symbol, Set<unknown>>)[key]?.size ?? 0) : 0
}

async function* accounts(n: number): AsyncGenerator<AccountRow> {
  const users = [bench.users.alice, bench.users.bob]
  for (let i = 1; i <= n; i++) yield { row: i, address: users[i % 2]!.address, password: { ref: 'given' } }
}

describe('bulk check memory', () => {
  it('the measure sees what AbortSignal.any() leaves on a signal (so the checks below can fail)', () => {
    const run = new AbortController()
    const composed = AbortSignal.any([run.signal, new AbortController().signal])
    expect(composed.aborted).toBe(false)
    expect(dependants(run.signal)).toBe(1)
  })

  it('leaves nothing on the run signal after N and after 4N accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulk-retained-'))
    const services = createServices(
      loadConfig({ ...process.env, ...bench.env, MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_USER_DATA: dir })
    )
    const passwords = new Map([bench.users.alice, bench.users.bob].map((u) => [u.address, u.password]))
    // One signal for both runs, as Ctrl+C's or the wizard's Stop is for a whole list.
    const run = new AbortController()
    const held: Array<{ n: number; dependants: number; listeners: number }> = []
    for (const [n, name] of [
      [10, 'n'],
      [40, '4n']
    ] as const) {
      const results: CheckResult[] = []
      const { checked } = await runBulk({
        services,
        signal: run.signal,
        rows: accounts(n),
        done: new Set(),
        statePath: join(dir, `${name}.state`),
        concurrency: 8,
        perServer: 2,
        password: async (row) => passwords.get(row.address),
        onResult: (r) => results.push(r)
      })
      // Real sign-ins happened: every account was checked and is ready.
      expect(checked).toBe(n)
      expect(results.map((r) => r.verdict)).toEqual(Array(n).fill('ready'))
      held.push({ n, dependants: dependants(run.signal), listeners: getEventListeners(run.signal, 'abort').length })
    }
    // Before: 10 accounts left 260-odd dependants and 40 left over 1,000 (about 26 a row).
    expect(held).toEqual([
      { n: 10, dependants: 0, listeners: 0 },
      { n: 40, dependants: 0, listeners: 0 }
    ])
  })

  it('keeps the discoveries of the domains used last, not of every domain of the list', async () => {
    const w = await startWorld(bench)
    try {
      const domains = ['one.test', 'two.test', 'three.test', 'four.test', 'five.test', 'six.test']
      for (const d of domains) await writeIspDir(join(w.dir, 'isp'), d, bench.mailHost)
      w.name(bench.mailHost, bench.mailAddress)
      const services = createServices(
        loadConfig({ ...w.env, MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_ISP_DIRS: join(w.dir, 'isp') })
      )
      const run = new AbortController()
      const checker = new BulkChecker(services, run.signal, undefined, 2)
      const held: number[] = []
      // Each domain twice, the list not grouped: a domain let go is discovered again and still checked.
      for (const [i, d] of [...domains, ...domains].entries()) {
        const row = { row: i + 1, address: `user${i}@${d}`, username: bench.users.alice.address, password: undefined }
        const result = await checker.check(row, bench.users.alice.password, run.signal)
        expect(result.verdict, `${row.address}: ${result.code}`).toBe('ready')
        held.push(checker.held().domains)
      }
      expect(held).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
      expect(checker.held()).toEqual({ domains: 2, passwords: 0 })
    } finally {
      await w.stop()
    }
  })
})
