// What is wrong with a domain's publication, as findings with codes; the words for each
// code live in the locale files (ui.domain.finding.<code>).
import type { Candidate, ServerSettings, SourceId, SourceReport } from '../../shared/domain'
import type { Finding, HostCheck, PublishedFile } from '../../shared/domain-health'
import type { Fetched } from '../discovery/fetch'
import { securityForPort } from '../../shared/ports'

export interface FetchedFile {
  scheme: 'https' | 'http'
  fetched: Fetched
  file: PublishedFile
}

interface Facts {
  sources: SourceReport[]
  candidates: Candidate[]
  files: FetchedFile[]
  hosts: HostCheck[]
}

/** Sources that speak for the domain (or its provider); guessing and MX only infer. */
const PUBLISHED: SourceId[] = [
  'local-file',
  'builtin',
  'autoconfig-https',
  'ispdb',
  'srv',
  'autodiscover',
  'autoconfig-http'
]

const KNOWN_PLACEHOLDERS = new Set(['EMAILADDRESS', 'EMAILLOCALPART', 'EMAILDOMAIN'])
const EXPIRING_DAYS = 21

const serverName = (s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string =>
  `${s.protocol} ${s.host}:${s.port} ${s.security}`

export function findingsFor(facts: Facts): Finding[] {
  const out: Finding[] = []
  const published = facts.candidates.filter((c) => PUBLISHED.includes(c.source))
  if (!published.length)
    out.push({
      code: 'nothing-published',
      level: 'error',
      subject: facts.sources.map((s) => `${s.source}: ${s.reason ?? s.state}`).join('; ')
    })

  const found = (scheme: 'https' | 'http'): FetchedFile[] =>
    facts.files.filter((f) => f.scheme === scheme && f.fetched.ok)
  if (found('http').length && !found('https').length)
    out.push({
      code: 'autoconfig-http-only',
      level: 'warning',
      subject: found('http')
        .map((f) => f.file.url)
        .join(', ')
    })
  for (const f of facts.files) out.push(...placeholderFindings(f))

  for (const s of uniqueServers(published)) {
    // The port rules say which security a well-known port is meant for; other ports are not judged.
    const implied = securityForPort(s.port)
    if (s.security !== 'plain' && implied && implied !== s.security)
      out.push({ code: 'socket-port-mismatch', level: 'error', subject: serverName(s) })
    if (s.security === 'plain') out.push({ code: 'plaintext-server', level: 'warning', subject: serverName(s) })
  }

  const disagreement = disagreements(published)
  if (disagreement) out.push({ code: 'sources-disagree', level: 'warning', subject: disagreement })
  if (facts.sources.find((s) => s.source === 'srv')?.state !== 'found')
    out.push({ code: 'no-srv', level: 'info', subject: 'RFC 6186' })

  for (const h of facts.hosts) {
    const isPublished = h.namedBy.some((id) => PUBLISHED.includes(id))
    if (!h.answers) {
      if (isPublished)
        out.push({
          code: 'host-not-answering',
          level: 'error',
          subject: `${serverName(h)}${h.problem ? ` (${h.problem})` : ''}`
        })
      continue
    }
    const c = h.certificate
    if (!c) continue
    if (c.daysLeft < 0) out.push({ code: 'cert-expired', level: 'error', subject: `${h.host}:${h.port} ${c.validTo}` })
    else if (c.daysLeft < EXPIRING_DAYS)
      out.push({ code: 'cert-expiring', level: 'warning', subject: `${h.host}:${h.port} ${c.daysLeft}` })
    if (!c.hostMatches)
      out.push({ code: 'cert-name-mismatch', level: 'error', subject: `${h.host}:${h.port} ${c.names.join(' ')}` })
    if (!c.chainTrusted)
      out.push({ code: 'cert-untrusted', level: 'error', subject: `${h.host}:${h.port} ${c.issuer}` })
  }
  return out
}

/** `%EMAILADDRESS` without its closing `%`, or a placeholder no client knows. */
function placeholderFindings(f: FetchedFile): Finding[] {
  if (!f.fetched.ok) return []
  const body = f.fetched.res.body.toString('utf8')
  const bad = new Set<string>()
  for (const m of body.matchAll(/%([A-Za-z]+)(%?)/g)) {
    if (!KNOWN_PLACEHOLDERS.has(m[1]!) || !m[2]) bad.add(m[0])
  }
  return bad.size
    ? [{ code: 'autoconfig-placeholder', level: 'error', subject: `${f.file.url}: ${[...bad].join(' ')}` }]
    : []
}

function uniqueServers(candidates: Candidate[]): ServerSettings[] {
  const seen = new Map<string, ServerSettings>()
  for (const c of candidates) for (const s of [...c.incoming, ...c.outgoing]) seen.set(serverName(s), s)
  return [...seen.values()]
}

/** Sources that name different servers for the same protocol, as one line; undefined if none. */
function disagreements(published: Candidate[]): string | undefined {
  const lines: string[] = []
  for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
    const bySource = new Map<string, Set<string>>()
    for (const c of published) {
      const names = [...c.incoming, ...c.outgoing]
        .filter((s) => s.protocol === protocol)
        .map((s) => `${s.host.toLowerCase()}:${s.port}`)
      if (!names.length) continue
      const set = bySource.get(c.source) ?? new Set<string>()
      names.forEach((n) => set.add(n))
      bySource.set(c.source, set)
    }
    const variants = new Set([...bySource.values()].map((s) => [...s].sort().join(' ')))
    if (variants.size > 1)
      lines.push(`${protocol}: ${[...bySource].map(([src, set]) => `${src} ${[...set].sort().join(' ')}`).join(' | ')}`)
  }
  return lines.length ? lines.join('; ') : undefined
}
