// Sign-in turns of one ranked list (scheduler.ts), driven step by step without a network: the
// probes are stand-ins that report progress and outcomes when the test says so. What servers
// see of the rule (one login per side) is proven against Dovecot and Cyrus/Postfix in
// pipeline.test.ts; this covers the orderings a real server cannot be made to produce on cue.
import { expect, it } from 'vitest'
import { RankedRun, type ProbeHooks } from '../../src/main/verify/scheduler'
import type { ProbeOutcome } from '../../src/main/verify/session'
import type { ServerSettings } from '../../src/shared/domain'
import type { Probe } from '../../src/shared/verify'
import { settings } from './helpers'

/** A probe that has passed `ok` steps (the second is the TCP connect, as in a real probe). */
const passed = (ok: number, state: Probe['state'] = 'running'): Probe =>
  ({
    state,
    steps: Array.from({ length: ok }, (_, i) => ({ name: i === 1 ? 'tcp' : `step${i}`, state: 'ok', ms: 1 }))
  }) as unknown as Probe

interface Stand {
  hooks: ProbeHooks
  end(outcome: ProbeOutcome): void
}

function list(): { run: RankedRun; probes: Stand[]; add(port: number, rank: number): void } {
  const probes: Stand[] = []
  const run = new RankedRun(50, new AbortController().signal, (_s: ServerSettings, signal, hooks) => {
    return new Promise<ProbeOutcome>((resolve) => {
      probes.push({ hooks, end: resolve })
      signal.addEventListener('abort', () => resolve({ probe: passed(0, 'cancelled') }), { once: true })
    })
  })
  return { run, probes, add: (port, rank) => run.add(String(port), settings('smtp', 'x.test', port, 'tls'), rank) }
}

it('a better-ranked probe as far along that never asks for its turn holds the next one for the grace period only', async () => {
  const l = list()
  l.add(465, 0)
  l.add(587, 1)
  // 465 has passed as many steps as 587 and then stopped answering before its sign-in.
  l.probes[0]!.hooks.progressed(passed(6))
  l.probes[1]!.hooks.progressed(passed(6))
  await expect(l.probes[1]!.hooks.signInTurn()).resolves.toEqual(expect.any(Number))
  l.run.close()
  l.probes[1]!.end({ probe: passed(7, 'ok') })
  expect((await l.run.result).best?.probe.state).toBe('ok')
})

it('nothing ranked below a verified probe gets a turn, and one waiting is stopped', async () => {
  const l = list()
  l.add(465, 0)
  l.add(587, 1)
  l.probes[0]!.hooks.progressed(passed(6))
  const first = l.probes[0]!.hooks.signInTurn()
  l.probes[1]!.hooks.progressed(passed(6))
  const second = l.probes[1]!.hooks.signInTurn()
  await first
  l.probes[0]!.end({ probe: passed(7, 'ok') })
  await expect(second).rejects.toMatchObject({ name: 'AbortError' })
  l.run.close()
  expect((await l.run.result).outcomes.map((o) => o.probe.state)).toEqual(['ok', 'cancelled'])
})
