// `mail-setup domain <domain>`: the domain check for IT teams, in words (or JSON), and with
// --server … the files to publish (--publish DIR) and whether what is live names them
// (--recheck). Exit 0 when nothing is wrong, 3 when a finding is an error or a re-check
// does not match.
import { join } from 'node:path'
import type { Request, Response } from '../../shared/api'
import { groupByCertificate, type CertificateGroup } from '../../shared/cert-groups'
import type { DomainHealth, Finding, HostCheck, RecheckRow } from '../../shared/domain-health'
import type { ServerSettings } from '../../shared/domain'
import { parseAddress } from '../../shared/address'
import { quoteArg, term } from '../../shared/escape'
import locale from '../../shared/locales/en.json'
import { writeUserFile } from '../files'
import { UsageError, parseServerUrl } from './args'
import { formatSource } from './output'
import { EXIT } from '../../shared/diagnosis-catalog'

export interface DomainFlags {
  servers: ServerSettings[]
  usernameForm?: string
  publish?: string
  recheck: boolean
}

export interface DomainIo {
  check(request: Request<'checkDomain'>): Promise<Response<'checkDomain'>>
  report(data: unknown): void
  stderr(text: string): void
  json: boolean
}

const PROBLEM_EXIT = EXIT.discovery

/** The domain argument, checked as the domain part of an address would be. */
export function requireDomain(value: string | undefined): string {
  if (!value) throw new UsageError('a domain is required, e.g. mail-setup domain example.org')
  const parsed = parseAddress(`postmaster@${value}`)
  if (!parsed.ok || value.includes('@')) throw new UsageError(`${quoteArg(value)} is not a valid domain`)
  return parsed.domain
}

/** `--server imaps://host:993` and the like; the role follows from the scheme. */
export function parseServerFlag(value: string): ServerSettings {
  const outgoing = /^smtps?:/i.test(value)
  return parseServerUrl(value, '%EMAILADDRESS%', outgoing ? 'outgoing' : 'incoming')
}

export async function domainCommand(domain: string, flags: DomainFlags, io: DomainIo): Promise<number> {
  if (flags.usernameForm && flags.usernameForm !== 'address' && flags.usernameForm !== 'local') {
    throw new UsageError('--username-form must be address or local')
  }
  if ((flags.publish || flags.recheck) && !flags.servers.length) {
    throw new UsageError(
      '--publish and --recheck need the servers you confirm: --server imaps://host:993 --server smtp://host:587 …'
    )
  }
  const result = await io.check({
    runId: 'cli',
    domain,
    servers: flags.servers.length ? flags.servers : undefined,
    username: flags.usernameForm === 'local' ? 'local' : 'address'
  })
  const written: string[] = []
  if (flags.publish && result.publish) {
    for (const [name, content] of Object.entries(result.publish)) {
      const path = join(flags.publish, name)
      await writeUserFile(path, Buffer.from(content, 'utf8'))
      written.push(path)
    }
  }
  const recheck = flags.recheck ? result.recheck : undefined
  if (io.json) io.report({ ...result, recheck, written })
  else io.report(formatHealth(result.health, recheck, written, flags.servers.length === 0))
  const broken = result.health.findings.some((f) => f.level === 'error') || recheck?.some((r) => r.state !== 'matches')
  return broken ? PROBLEM_EXIT : 0
}

type Words = { title: string; fix: string }
const WORDS = locale.ui.domain as { level: Record<Finding['level'], string>; finding: Record<string, Words> }

export function formatFinding(f: Finding): string {
  const w = WORDS.finding[f.code]
  return [
    term`  ${WORDS.level[f.level].padEnd(8)} ${w?.title ?? f.code}: ${f.subject}`,
    term`           ${w?.fix ?? ''}`
  ].join('\n')
}

const SECURITY = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'none' } as const

function formatHost(h: HostCheck): string {
  const unnamed = h.certificate && !h.certificate.hostMatches ? '; the certificate does NOT name it' : ''
  return term`    ${(h.protocol === 'pop3' ? 'POP3' : h.protocol.toUpperCase()).padEnd(4)}  ${`${h.host}:${h.port}`.padEnd(32)} ${SECURITY[h.security].padEnd(8)}  ${h.answers ? 'answers' : `does not answer${h.problem ? ` (${h.problem})` : ''}`}${h.tlsVersion ? ` ${h.tlsVersion}` : ''}  named by ${h.namedBy.join(', ')}${unnamed}`
}

/** One certificate, read once, then the servers that show it (groupByCertificate). */
function formatCertificateGroup(g: CertificateGroup): string[] {
  const c = g.certificate
  const head = c
    ? term`  Certificate ${c.names.slice(0, 6).join(' ')}${c.names.length > 6 ? ` (+${c.names.length - 6})` : ''}; issuer ${c.issuer}; ${c.daysLeft} days left; ${c.chainTrusted ? 'trusted' : 'NOT trusted'}; ${g.unnamed.length ? 'does NOT name every server below' : 'names every server below'}; SHA-256 ${c.fingerprint256}`
    : '  No certificate seen (no answer, or no encryption):'
  return [head, ...g.hosts.map(formatHost)]
}

function formatRecheck(r: RecheckRow): string {
  const detail = [...r.missing.map((m) => `missing ${m}`), ...r.extra.map((e) => `also ${e}`)].join('; ')
  return term`  ${r.source.padEnd(17)} ${r.state}` + (detail ? term` — ${detail}` : '')
}

export function formatHealth(
  h: DomainHealth,
  recheck: RecheckRow[] | undefined,
  written: string[],
  suggest: boolean
): string {
  const out = [term`Domain ${h.domain}: checked in ${Math.round(h.ms)} ms`, '', 'Sources:']
  for (const r of h.sources) out.push(`  ${formatSource(r)}`)
  out.push('', 'Autoconfig files:')
  for (const f of h.published)
    out.push(
      term`  ${f.url}  ${f.state}${f.reason ? ` (${f.reason})` : ''}${f.servers ? `, ${f.servers} servers` : ''}`
    )
  out.push('', 'Servers (probed without signing in):')
  for (const group of groupByCertificate(h.hosts)) out.push(...formatCertificateGroup(group))
  if (!h.hosts.length) out.push('  none named')
  out.push('', h.findings.length ? 'Findings:' : 'Findings: none')
  for (const f of h.findings) out.push(formatFinding(f))
  if (recheck) {
    out.push('', 'Re-check of what is live against the servers you confirmed:')
    for (const r of recheck) out.push(formatRecheck(r))
  }
  if (written.length) out.push('', 'Wrote:', ...written.map((p) => term`  ${p}`))
  const best = suggestion(h)
  if (suggest && best.length) {
    out.push('', 'To generate what to publish for the servers that answer, confirm them:')
    out.push(
      term`  mail-setup domain ${h.domain} ${best.map((s) => `--server ${serverUrl(s)}`).join(' ')} --publish DIR`
    )
  }
  return out.join('\n')
}

const SCHEME = {
  imap: { tls: 'imaps', starttls: 'imap' },
  pop3: { tls: 'pop3s', starttls: 'pop3' },
  smtp: { tls: 'smtps', starttls: 'smtp' }
} as const

function serverUrl(s: Pick<ServerSettings, 'protocol' | 'host' | 'port' | 'security'>): string {
  if (s.security === 'plain')
    return `${s.protocol === 'smtp' ? 'smtp' : s.protocol}://${s.host}:${s.port}?security=plain`
  return `${SCHEME[s.protocol][s.security]}://${s.host}:${s.port}`
}

/** The servers that answer with a trusted certificate naming them: what an admin would confirm. */
function suggestion(h: DomainHealth): HostCheck[] {
  return h.hosts.filter(
    (x) => x.answers && x.security !== 'plain' && x.certificate?.chainTrusted && x.certificate.hostMatches
  )
}
