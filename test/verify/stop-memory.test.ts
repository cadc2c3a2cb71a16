// The session's memory of "slow down" and "locked" answers: a lock holds for its address only,
// a rate limit for every address on that server, and both end after the hold.
import { describe, expect, it } from 'vitest'
import { StopMemory } from '../../src/main/verify/stop-memory'
import type { Diagnosis } from '../../src/shared/diagnosis'

const server = ['ip:192.0.2.1', 'host:mail.example.test']
const locked: Diagnosis = { code: 'account-locked', userFixable: false, serverSays: 'NO Account locked' }
const limited: Diagnosis = { code: 'rate-limited', userFixable: false, serverSays: '450 4.7.1 too many AUTH commands' }

describe('StopMemory', () => {
  it('holds a lock for that address on that server only, reached by any of its keys', () => {
    const m = new StopMemory(1000, () => 0)
    m.remember(server, 'a@example.test', locked)
    expect(m.recall(['ip:192.0.2.1'], 'A@example.test')).toBe(locked)
    expect(m.recall(['host:mail.example.test'], 'a@example.test')).toBe(locked)
    expect(m.recall(server, 'b@example.test')).toBeUndefined()
    expect(m.recall(['ip:192.0.2.2'], 'a@example.test')).toBeUndefined()
  })

  it('holds a rate limit for every address on that server, until the hold ends', () => {
    let now = 0
    const m = new StopMemory(1000, () => now)
    m.remember(server, 'a@example.test', limited)
    expect(m.recall(server, 'b@example.test')).toBe(limited)
    now = 999
    expect(m.recall(server, 'a@example.test')).toBe(limited)
    now = 1000
    expect(m.recall(server, 'a@example.test')).toBeUndefined()
  })
})
