// Discovery sources a test controls, for the orchestrator's `sources` option: each answers with
// the drafts it is given when the test says so, as a real source answers when its server does.
import type { Draft, Source } from '../../src/main/discovery/types'
import type { ServerSettings, Trust } from '../../src/shared/domain'

export const draft = (
  source: Draft['source'],
  trust: Trust,
  incoming: ServerSettings[],
  outgoing: ServerSettings[]
): Draft => ({ source, trust, incoming, outgoing })

/** A source that answers when `when` resolves (or never, until the run stops it). */
export function heldSource(id: Source['id'], when: Promise<unknown>, drafts: Draft[]): Source {
  return {
    id,
    network: false,
    timeoutMs: 30_000,
    async run(ctx) {
      await Promise.race([when, new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }))])
      if (ctx.signal.aborted) return { state: 'failed', reason: 'cancelled' }
      return drafts.length ? { state: 'found', candidates: drafts } : { state: 'nothing', reason: 'no-file' }
    }
  }
}

/** A promise the test resolves when it chooses: what a held source waits for. */
export function trigger(): { promise: Promise<void>; fire(): void } {
  let fire!: () => void
  const promise = new Promise<void>((r) => (fire = r))
  return { promise, fire }
}
