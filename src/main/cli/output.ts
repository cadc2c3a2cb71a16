// Human-readable CLI output. JSON output is the API's own values (see docs/cli.md).
// Every value shown here may hold a server's words (replies, certificate names, autoconfig
// fields, usernames), so each line is built with `term`, which escapes every interpolated
// value for the terminal; the template text is our own layout.
import type { Candidate, DiscoveryResult, ServerSettings, SourceReport } from '../../shared/domain'
import type { Diagnosis } from '../../shared/diagnosis'
import type { KeychainStatus } from '../../shared/account'
import type { Probe, VerifyResult } from '../../shared/verify'
import { term } from '../../shared/escape'
import { describeDiagnosis, describeSourceReason } from './catalog'
import locale from '../../shared/locales/en.json'
import { diagnose } from '../../shared/diagnosis-catalog'
import { SMTP_RELAY_PORT } from '../../shared/ports'

const SECURITY: Record<string, string> = { tls: 'SSL/TLS', starttls: 'STARTTLS', plain: 'none' }

export function formatServer(s: ServerSettings): string {
  const proto = s.protocol === 'pop3' ? 'POP3' : s.protocol.toUpperCase()
  return term`${proto.padEnd(4)}  ${`${s.host}:${s.port}`.padEnd(32)} ${(SECURITY[s.security] ?? s.security).padEnd(8)}  user ${s.username}  auth ${s.auth.join(',')}`
}

export function formatSource(r: SourceReport): string {
  const extra = [r.reason && describeSourceReason(r.reason), r.detail].filter(Boolean).join(': ')
  const count = r.candidates ? ` (${r.candidates})` : ''
  const ms = r.ms !== undefined ? `  ${Math.round(r.ms)} ms` : ''
  return term`${r.source.padEnd(17)} ${r.state}${count}` + (extra ? term` — ${extra}` : '') + ms
}

export function formatCandidate(c: Candidate, index: number): string {
  const trust = c.trust.level === 'trusted' ? 'trusted' : 'NEEDS CONFIRMATION'
  const lines = [
    term`${index + 1}. ${c.providerName ?? c.providerId ?? c.id} — from ${c.source}, ${trust} (${c.trust.reason}${c.trust.subject ? `: ${c.trust.subject}` : ''})`
  ]
  for (const s of c.incoming) lines.push(`     incoming  ${formatServer(s)}`)
  for (const s of c.outgoing) lines.push(`     outgoing  ${formatServer(s)}`)
  if (c.oauth2) lines.push(term`     OAuth2 issuer ${c.oauth2.issuer}, scope ${c.oauth2.scope}`)
  // The provider table's advice, in the wizard's words.
  const advice = c.provider?.advice ? (locale.ui.signin.hint as Record<string, string>)[c.provider.advice] : undefined
  if (advice) lines.push(term`     Sign-in: ${advice}`)
  if (c.provider?.appPasswordUrl) lines.push(term`     App password: ${c.provider.appPasswordUrl}`)
  return lines.join('\n')
}

export function formatDiscovery(result: DiscoveryResult): string {
  const out = [
    term`Settings for ${result.address}: ${result.candidates.length} candidate(s) in ${Math.round(result.ms)} ms`,
    ''
  ]
  result.candidates.forEach((c, i) => out.push(formatCandidate(c, i)))
  out.push('', 'Sources:')
  for (const r of result.sources) out.push(`  ${formatSource(r)}`)
  return out.join('\n')
}

export function formatDiagnosis(d: Diagnosis): string {
  const text = describeDiagnosis(d)
  const out = [term`${text.title} [${d.code}]`]
  if (text.what) out.push(term`  What happened: ${text.what}`)
  if (d.serverSays) out.push(term`  The server said: ${d.serverSays}`)
  if (text.todo) out.push(term`  What you can do: ${text.todo}`)
  if (text.admin) out.push(term`  What to ask your administrator: ${text.admin}`)
  if (d.detail && d.detail !== d.code) out.push(term`  Detail: ${d.detail}`)
  return out.join('\n')
}

/** Why the keychain did not keep a secret, in the catalog's words (what happened, what to do). */
export function formatKeychainFailure(k: KeychainStatus): string {
  if (!k.code) return ''
  const text = describeDiagnosis(diagnose(k.code, { params: k.params }))
  return [term`  ${text.title}: ${text.what}`, text.todo && term`  What you can do: ${text.todo}`]
    .filter(Boolean)
    .join('\n')
}

export function formatProbe(p: Probe, transcript: boolean): string {
  const steps = p.steps
    .filter((s) => s.state !== 'pending')
    .map((s) => `${s.name} ${s.state === 'ok' ? 'ok' : s.state}${s.ms !== undefined ? ` ${Math.round(s.ms)}ms` : ''}`)
    .join(', ')
  const lines = [
    term`${p.role.padEnd(8)}  ` +
      formatServer(p.settings) +
      term`\n          ${p.state.toUpperCase()} in ${Math.round(p.ms)} ms: ${steps}${p.diagnosis ? ` [${p.diagnosis.code}]` : ''}`
  ]
  if (p.certificate) {
    const c = p.certificate
    lines.push(
      term`          certificate: ${c.subject}; issuer ${c.issuer}; valid to ${c.validTo}; host ${c.hostMatches ? 'matches' : 'DOES NOT match'}; SHA-256 ${c.fingerprint256}`
    )
  }
  if (transcript)
    for (const t of p.transcript)
      lines.push(
        term`          ${String(Math.round(t.t)).padStart(6)} ${t.dir === 'c' ? 'C:' : t.dir === 's' ? 'S:' : '--'} ${t.text}`
      )
  return lines.join('\n')
}

const FORM_WORDS: Record<string, string> = {
  address: 'full address as user name',
  'local-part': 'part before the @ as user name',
  'exchange-domain-user': 'DOMAIN\\user form of the user name'
}

export function formatVerify(result: VerifyResult, transcript: boolean): string {
  const out: string[] = []
  for (const p of result.probes) out.push(formatProbe(p, transcript))
  out.push('')
  const form = (p: Probe): string =>
    p.usernameForm && p.usernameForm !== 'given' ? ` (the server wanted the ${FORM_WORDS[p.usernameForm]})` : ''
  out.push(
    `Incoming: ${result.incoming ? `verified ${formatServer(result.incoming.settings)}${form(result.incoming)}` : 'NOT verified'}`
  )
  out.push(
    `Outgoing: ${result.outgoing ? `verified ${formatServer(result.outgoing.settings)}${form(result.outgoing)}` : 'NOT verified'}`
  )
  if (result.probes.some((p) => p.role === 'outgoing' && p.settings.port === SMTP_RELAY_PORT)) {
    out.push(
      'Note: port 25 was tried last, as the usual sending ports (465, 587) did not answer; many networks block port 25.'
    )
  }
  if (result.diagnosis) out.push('', formatDiagnosis(result.diagnosis))
  return out.join('\n')
}
