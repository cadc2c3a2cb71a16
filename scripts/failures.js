// The "failed tests" block `npm test` prints last and leaves in test-results/failed-tests.txt,
// where .ci/run's summary prints it again: CI shows only the tail of its output, so the tail
// has to name what failed (file, full title, the first lines of its error), in at most
// MAX_LINES lines whatever the number of failures.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export const MAX_LINES = 24
const WIDTH = 160

/** Where the block is kept for .ci/run (test-results/ is git-ignored). */
export const failuresFile = (root) => join(root, 'test-results', 'failed-tests.txt')

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g

export const stripAnsi = (s) => String(s ?? '').replace(ANSI, '')

const clip = (s) => (s.length > WIDTH ? `${s.slice(0, WIDTH - 1)}…` : s)

/**
 * The first lines of an error text that say something: its message, then the first stack frame
 * in the project's own code (relative), never frames in node_modules or Node itself.
 */
export function errorLines(text, max = 3) {
  const lines = stripAnsi(text)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const frame = /^at /
  const said = lines.filter((l) => !frame.test(l) && l !== 'Error: STACK_TRACE_ERROR')
  const ours = lines.find((l) => frame.test(l) && !/node_modules|node:|<anonymous>/.test(l))
  const where = ours ? [ours.replace(`${process.cwd()}/`, '')] : []
  if (max <= 0) return []
  return [...said.slice(0, Math.max(1, max - where.length)), ...where].slice(0, max).map(clip)
}

/**
 * One failure: { runner: 'vitest' | 'playwright' | 'setup', title, error, ms? }. Returns the
 * block's lines: a header, then each failure's title and as many of its error lines as fit.
 */
export function formatBlock(failures, maxLines = MAX_LINES) {
  if (!failures.length) return []
  const header = `== failed tests (${failures.length})`
  const room = maxLines - 1
  // As many error lines per failure as fit, at most 3; with many failures, titles only.
  const per = Math.max(0, Math.min(3, Math.floor(room / failures.length) - 1))
  const lines = [header]
  for (const [i, f] of failures.entries()) {
    const left = failures.length - i
    if (lines.length >= maxLines - (left > 1 ? 1 : 0)) {
      lines.push(`… and ${left} more (see the test output above)`)
      break
    }
    const ms = typeof f.ms === 'number' ? ` (${(f.ms / 1000).toFixed(1)} s)` : ''
    lines.push(clip(`✗ ${f.runner}: ${stripAnsi(f.title)}${ms}`))
    for (const l of errorLines(f.error, per)) {
      if (lines.length >= maxLines - (left > 1 ? 1 : 0)) break
      lines.push(`    ${l}`)
    }
  }
  return lines
}

/** Failures from Playwright's JSON report: failed, timed-out or interrupted tests, and global errors. */
export function playwrightFailures(report, root) {
  const out = []
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected' && test.status !== 'flaky') continue
        const last = test.results?.[test.results.length - 1] ?? {}
        const file = relative(join(root, 'e2e'), join(root, 'e2e', spec.file ?? suite.file ?? ''))
        const title = [...titles, spec.title].filter(Boolean).join(' › ')
        out.push({
          runner: test.status === 'flaky' ? 'playwright (passed on retry)' : 'playwright',
          title: `e2e/${file}:${spec.line} › ${title}`,
          error: last.error?.message ?? last.errors?.[0]?.message ?? `status ${last.status}`,
          ms: last.duration
        })
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.file ? [...titles, child.title] : titles)
  }
  for (const s of report?.suites ?? []) walk(s, [])
  for (const e of report?.errors ?? []) out.push({ runner: 'playwright', title: 'outside any test', error: e.message })
  return out
}

/** Writes the block for .ci/run (or removes a stale one when nothing failed); returns its lines. */
export function keepBlock(root, failures) {
  const file = failuresFile(root)
  const lines = formatBlock(failures)
  if (!lines.length) {
    rmSync(file, { force: true })
    return lines
  }
  mkdirSync(join(root, 'test-results'), { recursive: true })
  writeFileSync(file, `${lines.join('\n')}\n`)
  return lines
}
