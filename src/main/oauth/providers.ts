// OAuth2 providers as data: resources/oauth-providers.json, overridden by the admin policy
// file (`oauth.providers.<id>` for client id, tenant, scope; `oauth.issuers.<issuer>` for
// issuers that autoconfig names). Resolves a sign-in request to concrete client settings.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { OAuth2Settings } from '../../shared/domain'
import type { Config } from '../config'
import { fail } from '../errors'
import { issuerUrl } from './metadata'
import { oauthAvailability } from './availability'
import { policyOf, type OAuthPolicy } from '../policy'
import { ProvidersFile, type ProviderEntry } from './providers-file'

export { ProviderEntry, ProvidersFile } from './providers-file'

export type { OAuthPolicy } from '../policy'

export interface ProviderTable {
  providers: ProviderEntry[]
  policy: OAuthPolicy
}

const MAX_FILE = 256 * 1024

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8')
  if (text.length > MAX_FILE) fail('internal', { detail: `${path} is too large` })
  return JSON.parse(text)
}

/** The shipped providers with the policy's client ids (an unusable policy file adds none: policy/file.ts). */
export async function loadProviderTable(
  config: Pick<Config, 'resourcesDir' | 'policyFile' | 'policyManaged'>
): Promise<ProviderTable> {
  const file = ProvidersFile.parse(await readJson(join(config.resourcesDir, 'oauth-providers.json')))
  const policy: OAuthPolicy = policyOf(config).rules.oauth ?? { providers: {}, issuers: {} }
  return { providers: file.providers, policy }
}

/** What a sign-in needs; endpoints absent means "ask the issuer's metadata", an empty client ID "register one". */
export interface ClientSettings {
  providerId?: string
  providerName: string
  issuer: string
  clientId: string
  scope: string
  authorizationEndpoint?: string
  tokenEndpoint?: string
  revocationEndpoint?: string
  extraAuthParams: Record<string, string>
  refreshWithScope: boolean
}

export const hostOf = (s: string): string => {
  try {
    return new URL(/^[a-z]+:\/\//i.test(s) ? s : `https://${s}`).hostname.toLowerCase()
  } catch {
    return ''
  }
}

export function findProvider(
  table: ProviderTable,
  req: { providerId?: string; oauth2?: OAuth2Settings }
): ProviderEntry | undefined {
  if (req.providerId) {
    const byId = table.providers.find((p) => p.id === req.providerId || p.aliases.includes(req.providerId!))
    if (byId) return byId
  }
  if (!req.oauth2) return undefined
  const hosts = [req.oauth2.issuer, req.oauth2.authURL].filter((h): h is string => Boolean(h)).map(hostOf)
  return table.providers.find((p) => p.issuers.some((i) => hosts.includes(hostOf(i))))
}

/** A tenant named in an autoconfig authURL such as https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize. */
function tenantFromUrl(url: string | undefined): string | undefined {
  const m = url ? /^\/([A-Za-z0-9.-]{1,100})\/oauth2\//.exec(new URL(url).pathname) : null
  return m?.[1]
}

export function resolveClient(
  table: ProviderTable,
  req: { providerId?: string; oauth2?: OAuth2Settings }
): ClientSettings {
  const availability = oauthAvailability(table, req)
  const { known } = availability
  if (known) {
    const o = table.policy.providers[known.id] ?? {}
    const t = o.tenant ?? tenantFromUrl(req.oauth2?.authURL) ?? known.tenant ?? 'common'
    const fill = (u: string): string => u.replace('{tenant}', encodeURIComponent(t))
    const id = availability.clientId
    if (!id) noClientId(known.name)
    const authorizationEndpoint = fill(known.authorizationEndpoint)
    return {
      providerId: known.id,
      providerName: known.name,
      issuer: new URL(authorizationEndpoint).origin,
      clientId: id,
      scope: o.scope ?? known.scope,
      authorizationEndpoint,
      tokenEndpoint: fill(known.tokenEndpoint),
      revocationEndpoint: known.revocationEndpoint,
      extraAuthParams: known.extraAuthParams,
      refreshWithScope: known.refreshWithScope
    }
  }
  if (!req.oauth2) return fail('oauth-required', { detail: `unknown OAuth provider ${req.providerId ?? ''}`.trim() })
  const issuer = issuerUrl(req.oauth2.issuer)
  const o =
    table.policy.issuers[req.oauth2.issuer] ?? table.policy.issuers[issuer] ?? table.policy.issuers[hostOf(issuer)]
  return {
    providerName: new URL(issuer).hostname,
    issuer,
    // Empty: none configured; the service registers one where the issuer allows (RFC 7591).
    clientId: availability.clientId ?? '',
    scope: o?.scope ?? req.oauth2.scope,
    authorizationEndpoint: req.oauth2.authURL,
    tokenEndpoint: req.oauth2.tokenURL,
    extraAuthParams: {},
    refreshWithScope: false
  }
}

export function noClientId(provider: string): never {
  return fail('oauth-client-missing', {
    protocol: 'oauth',
    params: { provider },
    detail: `no OAuth client id is configured for ${provider}; an administrator can set one in the policy file (oauth.providers / oauth.issuers)`
  })
}

/** Origins of the sign-in pages the app may open: shipped providers and admin-configured issuers. */
export function configuredOrigins(table: ProviderTable): string[] {
  const out = new Set<string>()
  for (const p of table.providers) out.add(new URL(p.authorizationEndpoint.replace('{tenant}', 'common')).origin)
  for (const issuer of Object.keys(table.policy.issuers)) {
    try {
      out.add(new URL(issuerUrl(issuer)).origin)
    } catch {
      // an issuer the policy names badly is simply not allowed
    }
  }
  return [...out]
}
