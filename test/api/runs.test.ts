// Cancellation by run id: a run that ends must not take a newer run under the same id with it.
import { describe, expect, it } from 'vitest'
import { Runs } from '../../src/main/runs'

describe('runs', () => {
  it('cancel stops the run and answers whether there was one', () => {
    const runs = new Runs()
    const signal = runs.start('a')
    expect(runs.cancel('a')).toBe(true)
    expect(signal.aborted).toBe(true)
    expect(runs.cancel('a')).toBe(false)
  })

  it('a new run under a running id aborts the old one; the old one ending leaves the new one cancellable', () => {
    const runs = new Runs()
    const first = runs.start('a')
    const second = runs.start('a')
    expect(first.aborted).toBe(true)
    runs.end('a', first)
    expect(runs.cancel('a')).toBe(true)
    expect(second.aborted).toBe(true)
  })

  it('an ended run can no longer be cancelled', () => {
    const runs = new Runs()
    const signal = runs.start('a')
    runs.end('a', signal)
    expect(runs.cancel('a')).toBe(false)
    expect(signal.aborted).toBe(false)
  })
})
