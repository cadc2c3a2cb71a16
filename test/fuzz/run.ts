// `npm run fuzz`: every property of test/fuzz/properties.ts with FUZZ_RUNS cases (10⁵ unless
// set). The seed is printed first; FUZZ_SEED=<seed> replays the same cases.
import fc from 'fast-check'
import { PROPERTIES } from './properties'

const runs = Number(process.env.FUZZ_RUNS) || 100_000
const seed = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31
console.log(`fuzz: ${runs} cases per property, seed ${seed} (replay with FUZZ_SEED=${seed})`)
let failed = 0
for (const { name, property } of PROPERTIES) {
  const t = performance.now()
  const r = fc.check(property, { numRuns: runs, seed })
  const ms = Math.round(performance.now() - t)
  if (r.failed) {
    failed++
    console.log(
      `FAIL ${name} after ${r.numRuns} cases (${ms} ms), seed ${seed}, path ${r.counterexamplePath}\n  counterexample: ${JSON.stringify(r.counterexample)}\n  ${String(r.errorInstance ?? '').slice(0, 500)}`
    )
  } else {
    console.log(`ok   ${name}: ${r.numRuns} cases in ${ms} ms`)
  }
}
process.exit(failed ? 1 : 0)
