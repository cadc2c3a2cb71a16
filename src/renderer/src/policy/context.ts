// The organisation's policy as the wizard shows it (the policySummary operation), read once at
// start and shared by every step. Main enforces each rule itself; the wizard only shows them:
// who manages this computer, locked fields, the choices the policy leaves out, whom to ask.
import { createContext, useContext } from 'react'
import type { PolicyView } from '../../../shared/policy'
import type { IncomingProtocol, Security, ServerSettings } from '../../../shared/domain'
import { parseAddress } from '../../../shared/address'
import { lockedServersFor } from '../../../shared/policy-rules'

export const NO_POLICY: PolicyView = {
  active: false,
  managed: false,
  lockedServers: [],
  hiddenFormats: [],
  defaults: {}
}

export const PolicyContext = createContext<PolicyView>(NO_POLICY)

export function usePolicy(): PolicyView {
  return useContext(PolicyContext)
}

/** The incoming protocols the wizard offers, best first. */
export function allowedProtocols(p: PolicyView): IncomingProtocol[] {
  return (['imap', 'pop3'] as const).filter((x) => !p.protocols || p.protocols.includes(x))
}

/** Connection security the manual form offers: the policy's list, else every kind. */
export function allowedSecurity(p: PolicyView): Security[] {
  return (['tls', 'starttls', 'plain'] as const).filter((s) => !p.security || p.security.includes(s))
}

/** The servers the organisation locked for this address (as main reads it), with the domain. */
export function lockedFor(
  p: PolicyView,
  address: string
): { domain: string; incoming: ServerSettings; outgoing: ServerSettings } | undefined {
  const parsed = parseAddress(address)
  return parsed.ok ? lockedServersFor(p.lockedServers, parsed.address) : undefined
}
