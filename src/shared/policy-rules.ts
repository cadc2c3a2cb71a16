// The policy's locked servers for one address: read by main (src/main/policy/rules.ts, which
// enforces them) and the wizard (which shows them read-only), so both agree on which domain is
// locked. No zod here: the renderer imports it.
import type { ServerSettings } from './domain'
import type { LockedDomains, LockedServer } from './policy'

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase()
const localOf = (address: string): string => address.slice(0, address.lastIndexOf('@'))

function settingsOf(s: LockedServer, address: string): ServerSettings {
  return {
    protocol: s.protocol,
    host: s.host,
    port: s.port,
    security: s.security,
    username: s.username === 'local' ? localOf(address) : address,
    auth: ['password-cleartext']
  }
}

/** The servers the organisation fixed for this address's domain, if it fixed any. */
export function lockedServersFor(
  locked: readonly LockedDomains[] | undefined,
  address: string
): { domain: string; incoming: ServerSettings; outgoing: ServerSettings } | undefined {
  const domain = domainOf(address)
  const entry = locked?.find((l) => l.domains.includes(domain))
  return (
    entry && { domain, incoming: settingsOf(entry.incoming, address), outgoing: settingsOf(entry.outgoing, address) }
  )
}
