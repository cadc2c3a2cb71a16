// Silent hosts against real socket servers, with the app's own timing: a host that accepts TCP
// and never sends a byte is shown as "not answering yet" and then given up on; a server that
// greets slowly, within the few seconds some take, is still verified. The assertions are on the
// order of the probe's events and its outcome, not on wall-clock figures.
import { describe, expect, it } from 'vitest'
import { verify } from '../../src/main/verify'
import { DEFAULT_TIMING } from '../../src/main/verify/timing'
import type { Probe } from '../../src/shared/verify'
import { imapScript } from '../fakes/scripts'
import { USER, settings, fakeWorld } from './helpers'

const fw = fakeWorld()
const fake = fw.fake

type Snapshot = { state: Probe['state']; steps: Array<Pick<Probe['steps'][number], 'name' | 'state' | 'info'>> }

/** Probes one incoming server with the app's default timing, keeping every event as it was sent. */
async function probe(
  s: ReturnType<typeof settings>
): Promise<{ events: Snapshot[]; result: Awaited<ReturnType<typeof verify>> }> {
  const events: Snapshot[] = []
  const ctx = fw.w.ctx({
    timing: DEFAULT_TIMING,
    onProbe: (p) =>
      events.push({ state: p.state, steps: p.steps.map((x) => ({ name: x.name, state: x.state, info: x.info })) })
  })
  const result = await verify(
    { address: USER, incoming: [s], outgoing: [], secret: { kind: 'none' }, exceptions: [] },
    ctx
  )
  return { events, result }
}

const quietAt = (events: Snapshot[], step: string): number =>
  events.findIndex((e) => e.steps.some((x) => x.name === step && x.state === 'running' && x.info === 'no-answer-yet'))

describe('a host that accepts and never speaks', () => {
  it('on an implicit-TLS port: "not answering yet" during the handshake, then a timeout', async () => {
    await fake('mute-tls.quiet.test', { port: 993, handler: () => undefined })
    const { events, result } = await probe(settings('imap', 'mute-tls.quiet.test', 993, 'tls'))
    const quiet = quietAt(events, 'tls')
    expect(quiet).toBeGreaterThan(0)
    const last = events[events.length - 1]!
    expect(last.state).toBe('failed')
    expect(last.steps.find((x) => x.name === 'tls')).toMatchObject({ state: 'failed', info: 'timeout' })
    expect(result.diagnosis?.code).toBe('timeout')
    // The word came while the probe was still running, before its verdict.
    expect(events.slice(quiet).findIndex((e) => e.state === 'failed')).toBeGreaterThan(0)
  })

  it('on a plain port: "not answering yet" at the greeting, then a timeout', async () => {
    await fake('mute.quiet.test', { port: 143, handler: () => undefined })
    const { events, result } = await probe(settings('imap', 'mute.quiet.test', 143, 'starttls'))
    expect(quietAt(events, 'greeting')).toBeGreaterThan(0)
    expect(result.diagnosis?.code).toBe('timeout')
    expect(events[events.length - 1]!.steps.find((x) => x.name === 'greeting')?.state).toBe('failed')
  })
})

describe('a server that greets slowly, within the usual range', () => {
  it('is shown as not answering yet, then verified', async () => {
    const host = 'slow.quiet.test'
    // Greets after 2.5 s: past the "not answering yet" mark, well within the greeting deadline.
    const delay = DEFAULT_TIMING.quietMs + 1000
    expect(delay).toBeLessThan(DEFAULT_TIMING.greetingMs)
    const script = imapScript({ caps: 'IMAP4rev1 AUTH=PLAIN' })
    await fake(host, {
      port: 993,
      tls: await fw.w.cert([host]),
      handler: async (c) => {
        await new Promise((r) => setTimeout(r, delay))
        await script(c)
      }
    })
    const { events, result } = await probe(settings('imap', host, 993, 'tls'))
    const quiet = quietAt(events, 'greeting')
    expect(quiet).toBeGreaterThan(0)
    expect(result.incoming?.state).toBe('ok')
    const greetingOk = events.findIndex((e) => e.steps.some((x) => x.name === 'greeting' && x.state === 'ok'))
    expect(greetingOk).toBeGreaterThan(quiet)
  })
})
