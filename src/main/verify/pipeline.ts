// Discovery and verification as one run (issue 16): the servers of the first trusted candidate
// are probed the moment discovery names them, instead of after the whole search. A better
// trusted candidate found later joins the same check, ranked first (scheduler.ts); the check
// settles once no better one can come (no better-ranked source is still working), and the search
// then stops. Issue 12's rule holds: no credential goes to a server that no trusted source names
// unless the caller consents, and consent is asked only when the search ended with nothing trusted.
import type { Candidate, DiscoveryResult, ServerSettings, SourceId } from '../../shared/domain'
import type { VerifyResult } from '../../shared/verify'
import { discover, scoreOf, SOURCES, type DiscoveryOptions } from '../discovery'
import { autodiscoverAsks } from '../discovery/consent'
import { runDns } from '../net/dns'
import { startVerify, type VerifyContext, type VerifyInput } from './index'
import { serverKey } from './warm'

export interface PipelineInput extends Omit<VerifyInput, 'incoming' | 'outgoing'> {
  /**
   * What to check of a candidate: e.g. its IMAP servers and every outgoing one. A candidate with
   * no incoming server to check is passed over.
   */
  select(candidate: Candidate): { incoming: ServerSettings[]; outgoing: ServerSettings[] }
  /**
   * Asked only when the search ended without a trusted candidate: the candidate the user agrees
   * to send the credentials to, or undefined (nothing is checked). May throw to stop the run.
   */
  consent?(found: DiscoveryResult): Candidate | undefined | Promise<Candidate | undefined>
}

export interface PipelineContext extends VerifyContext {
  /** The search's options, without what the pipeline sets itself. */
  discovery: Omit<DiscoveryOptions, 'signal' | 'enough' | 'password'>
}

export interface PipelineResult {
  /** The search, ended early (sources reported `not-needed`) once the check had settled. */
  discovery: DiscoveryResult
  /** The candidate whose server won the incoming side (or, failing that, the best one checked). */
  candidate?: Candidate
  /** Undefined when nothing was checked: no candidate had servers to check, or no consent. */
  verify?: VerifyResult
}

/**
 * Finds the settings of `input.address` and checks them with `input.secret`, starting each
 * trusted candidate's probes as soon as discovery names it. Progress comes through
 * `ctx.discovery.onReport/onCandidate` and `ctx.onProbe`, as for discover() and verify().
 */
export async function discoverAndVerify(input: PipelineInput, ctx: PipelineContext): Promise<PipelineResult> {
  // One view of the resolver for the search and the check: the mail host's address that guessing
  // or SRV asked for is the address the probes connect to, and a name nobody has is asked once.
  const shared = runDns(ctx.dns, ctx.signal)
  try {
    return await pipeline(input, { ...ctx, dns: shared.dns, discovery: { ...ctx.discovery, dns: shared.dns } })
  } finally {
    shared.end()
  }
}

async function pipeline(input: PipelineInput, ctx: PipelineContext): Promise<PipelineResult> {
  const check = startVerify(input, ctx)
  const enough = new AbortController()
  const sourceIds = (ctx.discovery.sources ?? SOURCES).map((s) => s.id)
  const joined = new Map<string, Candidate>()
  let closed = false
  let best = -Infinity
  const finished = new Set<SourceId>()

  const join = (candidate: Candidate): boolean => {
    if (closed) return false
    const { incoming, outgoing } = input.select(candidate)
    if (!incoming.length) return false
    joined.set(candidate.id, candidate)
    check.add(incoming, outgoing, -candidate.score)
    return true
  }
  // Guessing names the usual host names under the address's own domain that exist in DNS: the
  // servers a trusted source most often names a moment later. Their connections are opened now,
  // up to the sign-in and with no credential, and handed over if so (warm.ts). Nothing that a
  // file or a record from elsewhere names is connected to before a trusted source or consent.
  const openAhead = (candidate: Candidate): void => {
    if (closed || candidate.source !== 'guess') return
    const { incoming, outgoing } = input.select(candidate)
    check.warm([...firstPerHost(incoming), ...firstPerHost(outgoing)])
  }
  const close = (): void => {
    if (closed) return
    closed = true
    check.close()
  }
  // A better trusted candidate can only come from a source ranked above the best one joined
  // that has not answered yet.
  const maybeClose = (): void => {
    if (!joined.size) return
    if (
      sourceIds.some(
        (id) => !finished.has(id) && scoreOf({ source: id, trust: { level: 'trusted', reason: 'builtin' } }) > best
      )
    )
      return
    close()
  }

  const search = (password?: string): Promise<DiscoveryResult> =>
    discover(input.address, {
      ...ctx.discovery,
      signal: ctx.signal,
      enough: enough.signal,
      password,
      onReport(report) {
        if (report.state !== 'started') finished.add(report.source)
        ctx.discovery.onReport(report)
        maybeClose()
      },
      onCandidate(candidate) {
        ctx.discovery.onCandidate(candidate)
        if (candidate.trust.level !== 'trusted') return openAhead(candidate)
        if (!join(candidate)) return
        best = Math.max(best, candidate.score)
        maybeClose()
      }
    })
  // Once the check has settled, nothing the search could still find would change it.
  void check.result.finally(() => enough.abort())

  let found: DiscoveryResult
  try {
    found = await search()
    // The password goes to Autodiscover only when nothing trusted was found and the domain's own
    // Autodiscover over HTTPS asked for it (consent.ts), in a second search.
    if (!joined.size && input.secret.kind === 'password' && autodiscoverAsks(found)) {
      finished.clear()
      found = await search(input.secret.password)
    }
    if (!joined.size && !found.candidates.some((c) => c.trust.level === 'trusted') && input.consent) {
      const agreed = await input.consent(found)
      if (agreed) join(agreed)
    }
  } finally {
    close()
  }
  const verify = await check.result
  if (!joined.size) return { discovery: found }
  return { discovery: found, candidate: winnerOf([...joined.values()], verify, input), verify }
}

/**
 * The server a check would try first on each of the first `hosts` host names of a list (a guess
 * names imap.example.com and mail.example.com, each on its ports in order).
 */
function firstPerHost(list: ServerSettings[], hosts = 2): ServerSettings[] {
  const seen = new Set<string>()
  const out: ServerSettings[] = []
  for (const s of list) {
    const host = s.host.toLowerCase()
    if (seen.has(host)) continue
    seen.add(host)
    out.push(s)
    if (out.length === hosts) break
  }
  return out
}

/** The best-ranked joined candidate that names the winning incoming (else outgoing) server. */
function winnerOf(joined: Candidate[], result: VerifyResult, input: PipelineInput): Candidate {
  const ranked = joined.sort((a, b) => b.score - a.score)
  for (const probe of [result.incoming, result.outgoing]) {
    if (!probe) continue
    const side = probe.role === 'incoming' ? 'incoming' : 'outgoing'
    const won = serverKey(probe.settings)
    const named = ranked.find((c) => input.select(c)[side].some((s) => serverKey(s) === won))
    if (named) return named
  }
  return ranked[0]!
}
