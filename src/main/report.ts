// The helpdesk's diagnostic report: what was tried, what answered, what failed, in plain
// text, redacted, then escaped for a text file (each line on its own, so a server's line break
// or control sequence cannot make a line of its own when the file is shown).
import type { DiscoveryResult } from '../shared/domain'
import type { VerifyResult } from '../shared/verify'
import { redact } from './redact'
import { forText } from '../shared/escape'

export function diagnosticReport(
  input: { address: string; discovery?: DiscoveryResult; verify?: VerifyResult },
  meta: { version: string }
): { text: string; fileName: string } {
  const lines: string[] = [
    `Mail Setup ${meta.version} diagnostic report`,
    `Address: ${input.address}`,
    `Time: ${new Date().toISOString()}`,
    ''
  ]
  if (input.discovery) {
    lines.push('== Discovery')
    for (const s of input.discovery.sources)
      lines.push(`${s.source}: ${s.state}${s.reason ? ` (${s.reason})` : ''}${s.detail ? ` ${s.detail}` : ''}`)
    for (const c of input.discovery.candidates) {
      lines.push(`candidate ${c.id} from ${c.source}, ${c.trust.level} (${c.trust.reason})`)
      for (const s of [...c.incoming, ...c.outgoing])
        lines.push(`  ${s.protocol} ${s.host}:${s.port} ${s.security} user=${s.username}`)
    }
    lines.push('')
  }
  if (input.verify) {
    lines.push('== Probes')
    for (const p of input.verify.probes) {
      lines.push(
        `${p.role} ${p.settings.protocol} ${p.settings.host}:${p.settings.port} ${p.settings.security}: ${p.state}${p.diagnosis ? ` [${p.diagnosis.code}]` : ''}`
      )
      for (const st of p.steps)
        lines.push(
          `  ${st.name}: ${st.state}${st.ms !== undefined ? ` ${Math.round(st.ms)} ms` : ''}${st.info ? ` ${st.info}` : ''}`
        )
      if (p.certificate) {
        const c = p.certificate
        lines.push(
          `  certificate: subject=${c.subject} issuer=${c.issuer} SAN=${c.subjectAltNames.join(',')} valid ${c.validFrom} .. ${c.validTo} sha256=${c.fingerprint256} hostMatches=${c.hostMatches} chainTrusted=${c.chainTrusted}`
        )
      }
      if (p.diagnosis?.serverSays) lines.push(`  server said: ${p.diagnosis.serverSays}`)
      lines.push('  transcript:')
      for (const t of p.transcript)
        lines.push(
          `    ${String(Math.round(t.t)).padStart(6)} ${t.dir === 'c' ? 'C:' : t.dir === 's' ? 'S:' : '--'} ${t.text}`
        )
    }
  }
  const safeName = input.address.replace(/[^A-Za-z0-9@._-]/g, '_')
  return { text: lines.map((l) => forText(redact(l))).join('\n'), fileName: `mail-setup-report-${safeName}.txt` }
}
