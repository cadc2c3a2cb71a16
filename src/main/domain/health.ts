// The domain check: every discovery source on its own (so disagreements show), each
// autoconfig URL on its own (so HTTP-only publication and broken files show), then every
// named server probed without signing in: which ports answer, with which security and
// certificate. No password is involved anywhere here.
import { setMaxListeners } from 'node:events'
import { normalizeAddress } from '../../shared/address'
import type { Candidate, ServerSettings, SourceId, SourceReport } from '../../shared/domain'
import type { DomainHealth, HostCheck, PublishedFile } from '../../shared/domain-health'
import type { Config } from '../config'
import type { Dns } from '../net/dns'
import { discover, SOURCES } from '../discovery'
import { fileDraft } from '../discovery/autoconfig'
import { fetchAutoconfig, type Fetched } from '../discovery/fetch'
import { autoconfigUrls, outcomeOf, trustOf } from '../discovery/sources/autoconfig-web'
import type { Addr } from '../discovery/types'
import { driverFor } from '../verify/drivers'
import { HostLimiter } from '../verify/scheduler'
import { runProbe } from '../verify/session'
import { timingWith, type Timing } from '../verify/timing'
import { findingsFor, type FetchedFile } from './findings'

export interface DomainCheckDeps {
  config: Config
  dns: Dns
  ca: string[]
  signal: AbortSignal
  deadlineMs: number
  timing?: Partial<Timing>
  /** Each source's report and each server's answer as soon as it is known (the wizard's live view). */
  onReport?: (report: SourceReport) => void
  onHost?: (host: HostCheck) => void
}

const WEB_SOURCES = new Set<SourceId>(['autoconfig-https', 'autoconfig-http'])
const DAY_MS = 86_400_000

export async function checkDomain(domain: string, deps: DomainCheckDeps): Promise<DomainHealth> {
  const started = Date.now()
  const parsed = normalizeAddress(`postmaster@${domain}`)
  const addr: Addr = {
    address: parsed.address,
    local: parsed.local,
    domain: parsed.domain,
    asciiDomain: parsed.asciiDomain
  }
  const [bySource, web] = await Promise.all([eachSource(addr.address, deps), eachAutoconfigUrl(addr, deps)])
  const candidates = [...bySource.flatMap((r) => r.candidates), ...web.candidates]
  const hosts = await probeAll(candidates, deps)
  const sources = [...bySource.map((r) => r.report), ...web.reports].sort(
    (a, b) => SOURCES.findIndex((s) => s.id === a.source) - SOURCES.findIndex((s) => s.id === b.source)
  )
  return {
    domain: addr.domain,
    sources,
    candidates,
    published: web.files.map(({ file }) => file),
    hosts,
    findings: findingsFor({ sources, candidates, files: web.files, hosts }),
    ms: Date.now() - started
  }
}

/** Each source but the web autoconfig ones as a discovery run of its own. */
async function eachSource(
  address: string,
  deps: DomainCheckDeps
): Promise<Array<{ report: SourceReport; candidates: Candidate[] }>> {
  const runs = SOURCES.filter((s) => !WEB_SOURCES.has(s.id)).map(async (source) => {
    const result = await discover(address, {
      config: deps.config,
      dns: deps.dns,
      ca: deps.ca,
      signal: deps.signal,
      deadlineMs: deps.deadlineMs,
      offline: false,
      sources: [source],
      onReport: () => undefined,
      onCandidate: () => undefined
    })
    deps.onReport?.(result.sources[0]!)
    return { report: result.sources[0]!, candidates: result.candidates }
  })
  return Promise.all(runs)
}

/** The four autoconfig URLs one by one, with the raw files kept for the lint rules. */
async function eachAutoconfigUrl(
  addr: Addr,
  deps: DomainCheckDeps
): Promise<{ files: FetchedFile[]; reports: SourceReport[]; candidates: Candidate[] }> {
  const ctx = { addr, dns: deps.dns, ca: deps.ca, signal: deps.signal, timeoutMs: Math.min(5000, deps.deadlineMs) }
  const files: FetchedFile[] = []
  const reports: SourceReport[] = []
  const candidates: Candidate[] = []
  for (const scheme of ['https', 'http'] as const) {
    const id = scheme === 'https' ? 'autoconfig-https' : 'autoconfig-http'
    const t0 = Date.now()
    const fetched: Fetched[] = await Promise.all(
      autoconfigUrls(scheme, addr.asciiDomain, addr.address).map((u) =>
        fetchAutoconfig(ctx, u, { domain: addr.asciiDomain })
      )
    )
    for (const f of fetched) files.push({ scheme, fetched: f, file: publishedFile(f) })
    const outcome = outcomeOf(fetched, (f) => fileDraft(f.file, id, trustOf(scheme, f)))
    const ms = Date.now() - t0
    if (outcome.state === 'found') {
      reports.push({ source: id, state: 'found', candidates: outcome.candidates.length, detail: outcome.detail, ms })
      outcome.candidates.forEach((d, i) => candidates.push({ ...d, id: `${id}-${i + 1}`, score: 0 }))
    } else {
      reports.push({ source: id, state: outcome.state, reason: outcome.reason, detail: outcome.detail, ms })
    }
    deps.onReport?.(reports.at(-1)!)
  }
  return { files, reports, candidates }
}

function publishedFile(f: Fetched): PublishedFile {
  if (!f.ok) return { url: f.url, state: f.state, reason: f.reason, servers: 0 }
  return { url: f.url, state: 'found', servers: f.file.incoming.length + f.file.outgoing.length }
}

const keyOf = (s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string =>
  `${s.protocol}|${s.host.toLowerCase()}|${s.port}|${s.security}`

/** Every distinct server any source names, probed once, at most two at a time per host. */
async function probeAll(candidates: Candidate[], deps: DomainCheckDeps): Promise<HostCheck[]> {
  const named = new Map<string, { settings: ServerSettings; namedBy: Set<SourceId> }>()
  for (const c of candidates) {
    for (const s of [...c.incoming, ...c.outgoing]) {
      const entry = named.get(keyOf(s)) ?? { settings: s, namedBy: new Set<SourceId>() }
      entry.namedBy.add(c.source)
      named.set(keyOf(s), entry)
    }
  }
  const timing = timingWith(deps.timing)
  const limiter = new HostLimiter(timing.perHost)
  const signal = deps.signal
  // One listener per probe step on the run's signal: many servers are normal here.
  setMaxListeners(0, signal)
  const checks = [...named.values()].map(async ({ settings, namedBy }, i): Promise<HostCheck> => {
    const release = await limiter.acquire(settings.host, signal)
    try {
      const { probe } = await runProbe(driverFor(settings), {
        id: `domain-${i + 1}`,
        role: settings.protocol === 'smtp' ? 'outgoing' : 'incoming',
        settings,
        secret: { kind: 'none' },
        dns: deps.dns,
        ca: deps.ca,
        // The domain check reports what each server speaks (its TLS version included) and sends no secret.
        minTls: undefined,
        timing,
        signal,
        onProbe: () => undefined
      })
      const c = probe.certificate
      const check: HostCheck = {
        protocol: settings.protocol,
        host: settings.host,
        port: settings.port,
        security: settings.security,
        namedBy: [...namedBy],
        answers: probe.steps.some((s) => s.name === 'greeting' && s.state === 'ok'),
        problem: probe.state === 'ok' ? undefined : probe.diagnosis?.code,
        tlsVersion: c?.tlsVersion,
        certificate: c && {
          names: c.subjectAltNames,
          issuer: c.issuer,
          validTo: c.validTo,
          daysLeft: Math.floor((Date.parse(c.validTo) - Date.now()) / DAY_MS),
          chainTrusted: c.chainTrusted,
          hostMatches: c.hostMatches,
          fingerprint256: c.fingerprint256
        },
        ms: probe.ms
      }
      deps.onHost?.(check)
      return check
    } finally {
      release()
    }
  })
  return Promise.all(checks)
}
