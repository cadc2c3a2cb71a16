// A short pass of the fuzz suite inside `npm test` (the full 10⁵ cases: `npm run fuzz`).
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PROPERTIES } from './properties'

const seed = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31

describe(`fuzz (short pass, seed ${seed})`, () => {
  for (const { name, property } of PROPERTIES) {
    it(name, () => {
      const r = fc.check(property, { numRuns: 300, seed })
      expect(
        r.failed ? `seed ${seed}, counterexample ${JSON.stringify(r.counterexample)}: ${String(r.errorInstance)}` : 'ok'
      ).toBe('ok')
    })
  }
})
