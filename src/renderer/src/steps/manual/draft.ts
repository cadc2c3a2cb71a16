// Turning settings into the manual form and back; the port ↔ security rule is shared/ports.ts.
// No DOM here (the unit tests read it); focusing a field is focus.ts.
import type { IncomingProtocol, Security, ServerSettings } from '../../../../shared/domain'
import { toAsciiDomain } from '../../../../shared/address'
import { selectedCandidate, type DraftServer, type ManualDraft, type WizardState } from '../../state'
import { defaultPort } from '../../../../shared/ports'

function toDraft(s: ServerSettings): DraftServer {
  return {
    protocol: s.protocol,
    host: s.host,
    port: String(s.port),
    security: s.security,
    auth: s.auth[0] ?? 'password-cleartext',
    username: s.username
  }
}

/** What the form starts with: the last draft, else what was checked or found, else the usual guesses. */
export function initialDraft(s: WizardState): ManualDraft {
  if (s.manualDraft) return s.manualDraft
  const verified = s.verify
  const found = s.manual ? undefined : selectedCandidate(s)
  const incoming =
    verified?.incoming?.settings ?? s.manual?.incoming ?? found?.incoming.find((e) => e.protocol === s.protocol)
  const outgoing = verified?.outgoing?.settings ?? s.manual?.outgoing ?? found?.outgoing[0]
  const domain = s.address.split('@').pop() ?? ''
  const user = s.username || s.address.trim()
  return {
    incoming: incoming
      ? toDraft(incoming)
      : {
          protocol: s.protocol,
          host: `${s.protocol === 'imap' ? 'imap' : 'pop'}.${domain}`,
          port: String(defaultPort(s.protocol, 'tls')),
          security: 'tls',
          auth: 'password-cleartext',
          username: user
        },
    outgoing: outgoing
      ? toDraft(outgoing)
      : {
          protocol: 'smtp',
          host: `smtp.${domain}`,
          port: String(defaultPort('smtp', 'starttls')),
          security: 'starttls',
          auth: 'password-cleartext',
          username: user
        }
  }
}

/**
 * The draft within the organisation's policy: the locked servers as they are (only the sign-in
 * method stays the user's), else a protocol and security the policy allows, with their port.
 */
export function withinPolicy(
  d: ManualDraft,
  locked: { incoming: ServerSettings; outgoing: ServerSettings } | undefined,
  protocols: IncomingProtocol[],
  security: Security[]
): ManualDraft {
  if (locked)
    return {
      incoming: { ...toDraft(locked.incoming), auth: d.incoming.auth },
      outgoing: { ...toDraft(locked.outgoing), auth: d.outgoing.auth }
    }
  const fit = (s: DraftServer, protocol: DraftServer['protocol']): DraftServer => {
    if (s.protocol === protocol && security.includes(s.security)) return s
    const sec = security.includes(s.security) ? s.security : (security[0] ?? s.security)
    return { ...s, protocol, security: sec, port: String(defaultPort(protocol, sec)) }
  }
  const incoming = protocols.includes(d.incoming.protocol as IncomingProtocol)
    ? d.incoming.protocol
    : (protocols[0] ?? d.incoming.protocol)
  return { incoming: fit(d.incoming, incoming), outgoing: fit(d.outgoing, 'smtp') }
}

export type DraftProblem = 'host' | 'port' | 'username'

export function draftProblems(d: DraftServer): DraftProblem[] {
  const problems: DraftProblem[] = []
  const host = toAsciiDomain(d.host.trim())
  if (!host || !/^[a-z0-9.-]+$/.test(host)) problems.push('host')
  const port = Number(d.port)
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push('port')
  if (!d.username.trim() && d.auth !== 'none') problems.push('username')
  return problems
}

export function fromDraft(d: DraftServer, pop3?: ServerSettings['pop3']): ServerSettings {
  return {
    protocol: d.protocol,
    host: toAsciiDomain(d.host.trim()) ?? d.host.trim(),
    port: Number(d.port),
    security: d.security,
    username: d.username.trim() || 'none',
    auth: [d.auth],
    ...(d.protocol === 'pop3' && pop3 ? { pop3 } : {})
  }
}
