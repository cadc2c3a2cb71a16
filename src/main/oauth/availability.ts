// Whether this build can sign in with a provider in the browser: the one place that decides
// "a client ID exists". The wizard offers "Sign in with …" only when this says so, and
// resolveClient takes its client ID from here, so the offer and the sign-in never disagree.
// Dynamic client registration needs the issuer's metadata, so OAuthService.availability adds it.
import type { OAuth2Settings } from '../../shared/domain'
import { issuerUrl } from './metadata'
import { findProvider, hostOf, type ProviderEntry, type ProviderTable } from './providers'

export interface OAuthRequest {
  providerId?: string
  oauth2?: OAuth2Settings
}

export interface OAuthAvailability {
  available: boolean
  /**
   * Where the client ID comes from: shipped with this build, the administrator's policy file,
   * or registration at the issuer (RFC 7591; decided by OAuthService.availability, which asks
   * the issuer's metadata).
   */
  via?: 'shipped' | 'policy' | 'registration'
  /** The company whose sign-in page would open (a known provider's name, else the issuer's host). */
  providerName: string
  providerId?: string
  /** Present only when available; never leaves the main side. */
  clientId?: string
  /** The known provider entry, when the request names one. */
  known?: ProviderEntry
}

function issuerOf(oauth2: OAuth2Settings): string | undefined {
  try {
    return issuerUrl(oauth2.issuer)
  } catch {
    return undefined
  }
}

export function oauthAvailability(table: ProviderTable, req: OAuthRequest): OAuthAvailability {
  const known = findProvider(table, req)
  if (known) {
    const fromPolicy = table.policy.providers[known.id]?.clientId
    const clientId = fromPolicy || known.clientId
    const base = { providerName: known.name, providerId: known.id, known }
    if (fromPolicy) return { ...base, available: true, via: 'policy', clientId }
    return clientId ? { ...base, available: true, via: 'shipped', clientId } : { ...base, available: false }
  }
  const issuer = req.oauth2 ? issuerOf(req.oauth2) : undefined
  if (!req.oauth2 || !issuer) return { available: false, providerName: req.providerId ?? '' }
  const providerName = new URL(issuer).hostname
  const o =
    table.policy.issuers[req.oauth2.issuer] ?? table.policy.issuers[issuer] ?? table.policy.issuers[hostOf(issuer)]
  return o?.clientId
    ? { available: true, via: 'policy', providerName, clientId: o.clientId }
    : { available: false, providerName }
}
