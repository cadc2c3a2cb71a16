// Discovery orchestrator: every source starts at once, results stream as they come, one
// global deadline ends the run (sources still working are reported as timed out and never
// awaited), and candidates are merged and ranked by source and trust.
import { createHash } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { normalizeAddress } from '../../shared/address'
import {
  Candidate,
  type DiscoveryResult,
  type ServerSettings,
  type SourceId,
  type SourceReport
} from '../../shared/domain'
import type { Config } from '../config'
import { runDns, type Dns } from '../net/dns'
import { secureContextFor } from '../net/trust'
import { nodeHttp, nodeHttps } from '../net/builtins'
import { redact, registerSecret } from '../redact'
import { builtinSource, loadProviderTable } from './builtin'
import { autodiscoverSource } from './sources/autodiscover'
import { autoconfigHttpSource, autoconfigHttpsSource } from './sources/autoconfig-web'
import { guessSource } from './sources/guess'
import { folderLookup } from './folder-index'
import { ispdbSource, shippedIspdbDir } from './sources/ispdb'
import { ispDirs, localSource } from './sources/local'
import { lookupMx, mxSource } from './sources/mx'
import { paccSource } from './sources/pacc'
import { srvSource } from './sources/srv'
import type { Addr, Draft, MxInfo, Source, SourceContext, SourceOutcome } from './types'
import { providerFacts } from './provider-facts'

export type { AutoconfigFile } from './autoconfig-tree'

export interface DiscoveryOptions {
  config: Config
  dns: Dns
  /** Trust store for HTTPS sources. */
  ca: string[]
  signal: AbortSignal
  deadlineMs: number
  offline: boolean
  onReport(report: SourceReport): void
  onCandidate(candidate: Candidate): void
  /** Only for Exchange Autodiscover over HTTPS within the domain. */
  password?: string
  /** Replaces the standard source list (benchmarks and tests of the orchestrator). */
  sources?: Source[]
  /**
   * Ends the run early, as the deadline does, when the caller has what it needs (pipeline.ts:
   * the account is verified); sources still working are reported as skipped, 'not-needed'.
   */
  enough?: AbortSignal
}

export const SOURCES: Source[] = [
  builtinSource,
  localSource,
  autoconfigHttpsSource,
  paccSource,
  ispdbSource,
  srvSource,
  autodiscoverSource,
  mxSource,
  autoconfigHttpSource,
  guessSource
]

/** Rank of each source; trusted candidates get TRUSTED on top, so they always come first. */
export const SOURCE_RANK: Record<SourceId, number> = {
  manual: 100,
  // An admin's local file speaks for this installation, so it edges out the shipped table.
  'local-file': 91,
  builtin: 90,
  // The domain's own answer edges out the shared database.
  // PACC's file is vouched for by a digest in the domain's own DNS.
  pacc: 72,
  'autoconfig-https': 71,
  ispdb: 70,
  srv: 50,
  autodiscover: 40,
  mx: 30,
  'autoconfig-http': 20,
  guess: 10
}
const TRUSTED = 1000

export function scoreOf(d: Pick<Draft, 'source' | 'trust'>): number {
  return SOURCE_RANK[d.source] + (d.trust.level === 'trusted' ? TRUSTED : 0)
}

/** Candidates offering the same servers are the same candidate, whatever their order. */
export function settingsKey(d: Pick<Draft, 'incoming' | 'outgoing'>): string {
  const k = (s: ServerSettings): string => `${s.protocol}|${s.host.toLowerCase()}|${s.port}|${s.security}|${s.username}`
  return JSON.stringify([d.incoming.map(k).sort(), d.outgoing.map(k).sort()])
}

/**
 * The TLS context (every trusted root parsed: tens of ms of CPU the first time, net/http.ts),
 * Node's HTTP(S) modules and the XML parser the documents are read with (fetch.ts).
 */
function prepareForAnswers(ca: string[]): void {
  if (ca.length) secureContextFor(ca)
  nodeHttps()
  nodeHttp()
  import('./autoconfig').catch(() => undefined)
}

export async function discover(address: string, opts: DiscoveryOptions): Promise<DiscoveryResult> {
  const started = Date.now()
  const parsed = normalizeAddress(address)
  const addr: Addr = {
    address: parsed.address,
    local: parsed.local,
    domain: parsed.domain,
    asciiDomain: parsed.asciiDomain
  }
  if (opts.password) registerSecret(opts.password)
  opts.signal.throwIfAborted()

  const stop = new AbortController()
  const signal = AbortSignal.any([opts.signal, stop.signal])
  // Every source and every request below listens on this one signal.
  setMaxListeners(0, signal)
  let mx: Promise<MxInfo> | undefined
  const localFiles = folderLookup(ispDirs(opts.config))
  const ispdbFiles = folderLookup([shippedIspdbDir(opts.config)])
  // Every source asks through one view of the resolver: each name once for the whole run.
  const dns = runDns(opts.dns, signal).dns
  const base: Omit<SourceContext, 'signal' | 'timeoutMs'> = {
    addr,
    config: opts.config,
    dns,
    ca: opts.ca,
    offline: opts.offline,
    password: opts.password,
    providers: loadProviderTable(opts.config.resourcesDir),
    mx: () => (mx ??= opts.offline ? Promise.resolve({ reason: 'offline' }) : lookupMx({ dns, signal, addr })),
    folderFiles: (folders, domain) => (folders === 'local' ? localFiles : ispdbFiles)(domain)
  }

  const reports = new Map<SourceId, SourceReport>()
  const byKey = new Map<string, Candidate>()
  let closed = false

  const report = (r: SourceReport): void => {
    if (closed) return
    const clean: SourceReport = { ...r, detail: r.detail ? redact(r.detail).slice(0, 2000) : undefined }
    reports.set(r.source, clean)
    opts.onReport(clean)
  }

  const add = (draft: Draft): void => {
    const key = settingsKey(draft)
    const id = `c-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
    const provider = providerFacts(base.providers, draft)
    // jitless: a few candidates per run, fewer than it takes a compiled parser to pay off (api/handlers.ts).
    const parsedCandidate = Candidate.safeParse(
      { ...draft, ...(provider ? { provider } : {}), id, score: scoreOf(draft) },
      { jitless: true }
    )
    if (!parsedCandidate.success) return
    const next = parsedCandidate.data
    const prev = byKey.get(key)
    if (prev && prev.score >= next.score) {
      // Keep the better source, but not at the price of losing OAuth settings.
      if (!prev.oauth2 && next.oauth2) byKey.set(key, { ...prev, oauth2: next.oauth2 })
      return
    }
    const merged = prev && !next.oauth2 && prev.oauth2 ? { ...next, oauth2: prev.oauth2 } : next
    byKey.set(key, merged)
    opts.onCandidate(merged)
  }

  /** Ends with the turn the sources without network work start in (see runOne). */
  let localTurn: Promise<void> = Promise.resolve()
  /** The last source without network work to start: the next one starts once it has answered. */
  let localChain: Promise<unknown> = Promise.resolve()
  const runOne = async (src: Source): Promise<void> => {
    if (opts.offline && src.network) {
      report({ source: src.id, state: 'skipped', reason: 'offline' })
      return
    }
    let t0 = Date.now()
    report({ source: src.id, state: 'started' })
    const timeoutMs = Math.max(1, Math.min(src.timeoutMs, opts.deadlineMs))
    const own = AbortSignal.timeout(timeoutMs)
    let outcome: SourceOutcome
    try {
      const srcSignal = AbortSignal.any([signal, own])
      setMaxListeners(0, srcSignal)
      const run = (): Promise<SourceOutcome> => {
        t0 = Date.now()
        return src.run({ ...base, signal: srcSignal, timeoutMs })
      }
      if (src.network) outcome = await run()
      else {
        // One after another: their work is this thread's own (a table, local files), so side by
        // side each one's figure was the sum of all of theirs. One that waits on I/O (the online
        // ISPDB) holds the next one up until the end of this turn at most.
        const mine = Promise.race([localChain, localTurn]).then(run)
        localChain = mine.catch(() => undefined)
        outcome = await mine
      }
    } catch (err) {
      outcome = {
        state: 'failed',
        reason: own.aborted ? 'timeout' : 'internal',
        detail: err instanceof Error ? err.message : String(err)
      }
    }
    const ms = Date.now() - t0
    // A source's figure is its own answer. What the sources without network work found is
    // validated and reported once they have all answered (within this turn of the event loop),
    // so checking one source's candidates does not count against the next one's time.
    if (!src.network) await localTurn
    if (closed) return
    // Whatever a source made of its own cut-off (aborted request, DNS cancel), it is a timeout.
    if (outcome.state !== 'found' && own.aborted && !signal.aborted)
      outcome = { state: 'failed', reason: 'timeout', detail: outcome.detail }
    if (outcome.state === 'found') {
      for (const d of outcome.candidates) add(d)
      report({ source: src.id, state: 'found', candidates: outcome.candidates.length, detail: outcome.detail, ms })
    } else if (outcome.reason === 'timeout') {
      report({ source: src.id, state: 'timeout', reason: 'source-timeout', detail: outcome.detail, ms })
    } else {
      report({ source: src.id, state: outcome.state, reason: outcome.reason, detail: outcome.detail, ms })
    }
  }

  const sources = opts.sources ?? SOURCES
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, opts.deadlineMs)
    onAbort = () => resolve()
    opts.signal.addEventListener('abort', onAbort, { once: true })
    opts.enough?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    // Sources without network work first: they answer within the same turn of the event loop
    // (a table lookup, a few small files), before the network sources' synchronous set-up (a
    // TLS context, sockets) can hold them up. The network sources start one turn later.
    localTurn = new Promise<void>((r) => setImmediate(r))
    const local = sources.filter((s) => !s.network).map(runOne)
    await localTurn
    // One turn more: what they found is validated and reported before a network source starts.
    await new Promise<void>((r) => setImmediate(r))
    const remote = sources.filter((s) => s.network).map(runOne)
    // Their first questions are out: what their answers will need is made ready while the
    // answers travel, instead of before the first question or after the answer.
    if (!opts.offline) setImmediate(prepareForAnswers, opts.ca)
    await Promise.race([Promise.all([...local, ...remote]), deadline])
  } finally {
    clearTimeout(timer)
    if (onAbort) opts.signal.removeEventListener('abort', onAbort)
    if (onAbort) opts.enough?.removeEventListener('abort', onAbort)
  }
  if (opts.signal.aborted) {
    closed = true
    stop.abort()
    opts.signal.throwIfAborted()
  }
  // Whatever is still running is told to stop and reported; nobody waits for it.
  for (const src of sources) {
    if (reports.get(src.id)?.state !== 'started') continue
    if (opts.enough?.aborted) {
      report({
        source: src.id,
        state: 'skipped',
        reason: 'not-needed',
        detail: 'the account was verified before this source answered',
        ms: Date.now() - started
      })
    } else {
      report({
        source: src.id,
        state: 'timeout',
        reason: 'deadline',
        detail: `no answer within ${opts.deadlineMs} ms`,
        ms: Date.now() - started
      })
    }
  }
  closed = true
  stop.abort()

  const candidates = [...byKey.values()].sort((a, b) => b.score - a.score)
  return {
    address: addr.address,
    domain: addr.domain,
    candidates,
    sources: sources.map((s) => reports.get(s.id)).filter((r): r is SourceReport => !!r),
    ms: Date.now() - started
  }
}
