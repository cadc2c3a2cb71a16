// Bulk readiness check benchmark: `mail-setup check` over 1,000 and 10,000 accounts against
// the bench's real Dovecot and submission (local, no added delay), at the defaults
// (8 at once, 2 per server), with the CSV and the HTML report written. Reports accounts per
// minute and the process's resident memory sampled every 100 ms: peak, and at 25/50/75 % of the
// list, to show it stays flat as the list grows (the list is read as a stream, results go to the
// state file as they come, and both reports are written by streaming passes over it).
//   npx tsx bench/bulk.bench.ts [sizes…]   or   MAIL_SETUP_BENCH_ROWS=1000,10000 npm run bench -- bulk
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { runCli } from '../src/main/cli'
import { startBench } from '../test/world'

const SIZES = [...process.argv.slice(2), ...(process.env.MAIL_SETUP_BENCH_ROWS?.split(',') ?? [])]
  .map(Number)
  .filter((n) => n > 0)
const sizes = SIZES.length ? SIZES : [1000, 10000]
const MB = 1024 * 1024
// RSS counts what the heap grew to and was not given back; the live heap (after a full
// collection, once a second) is what the run actually holds, so both are reported.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const bench = await startBench()
try {
  const dir = mkdtempSync(join(tmpdir(), 'bulk-bench-'))
  Object.assign(process.env, bench.info.env, {
    MAIL_SETUP_OFFLINE: '1',
    ALICE_PW: bench.users.alice.password,
    BOB_PW: bench.users.bob.password
  })
  console.log(
    '| accounts | time | accounts/min | peak RSS (at % of time) | RSS at 25 / 50 / 75 % | live heap at 25 / 50 / 75 / 100 % (peak) | verdicts |'
  )
  console.log('|---|---|---|---|---|---|---|')
  for (const size of sizes) {
    const list = join(dir, `accounts-${size}.csv`)
    const users = [`${bench.users.alice.address},env:ALICE_PW`, `${bench.users.bob.address},env:BOB_PW`]
    writeFileSync(list, ['address,password_ref', ...Array.from({ length: size }, (_, i) => users[i % 2])].join('\n'))
    gc()
    const samples: number[] = []
    const live: number[] = []
    const timer = setInterval(() => samples.push(process.memoryUsage().rss), 100)
    const liveTimer = setInterval(() => {
      gc()
      live.push(process.memoryUsage().heapUsed)
    }, 1000)
    let out = ''
    const t0 = performance.now()
    const code = await runCli(['check', '--csv', list, '--json', '--html', `${list}.html`], {
      stdout: (t) => (out += t),
      stderr: () => undefined,
      stdin: process.stdin,
      env: process.env
    })
    const ms = performance.now() - t0
    clearInterval(timer)
    clearInterval(liveTimer)
    const summary = JSON.parse(out).result as { checked: number; ready: number }
    const at = (f: number, of = samples): string => `${Math.round((of[Math.floor(of.length * f)] ?? 0) / MB)}`
    const peak = Math.max(...samples)
    const peakAt = Math.round((100 * samples.indexOf(peak)) / samples.length)
    const liveAt = `${at(0.25, live)} / ${at(0.5, live)} / ${at(0.75, live)} / ${at(0.999, live)} (${Math.round(Math.max(...live) / MB)}) MB`
    console.log(
      `| ${size} | ${(ms / 1000).toFixed(1)} s | ${Math.round(summary.checked / (ms / 60_000))} | ${Math.round(peak / MB)} MB (${peakAt} %) | ${at(0.25)} / ${at(0.5)} / ${at(0.75)} MB | ${liveAt} | ${summary.ready} ready of ${summary.checked}, exit ${code} |`
    )
  }
} finally {
  await bench.stop()
}
