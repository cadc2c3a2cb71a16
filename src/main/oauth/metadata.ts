// Authorization-server metadata (RFC 8414, then OpenID Connect discovery) for issuers an
// autoconfig `oAuth2` element names. The document must name the same issuer and https endpoints.
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'
import { AppError, fail } from '../errors'
import { requestJson, requireHttps, type HttpDeps } from './http'

export const AuthServerMetadata = lazySchema(() =>
  z.object({
    issuer: z.string().max(2048),
    authorization_endpoint: z.string().url().max(2048),
    token_endpoint: z.string().url().max(2048),
    revocation_endpoint: z.string().url().max(2048).optional(),
    code_challenge_methods_supported: z.array(z.string().max(50)).max(20).optional(),
    /** RFC 7591: where an open public client registers itself. */
    registration_endpoint: z.string().url().max(2048).optional(),
    scopes_supported: z.array(z.string().max(200)).max(200).optional(),
    /** RFC 9207: the server puts `iss` in every authorization response. */
    authorization_response_iss_parameter_supported: z.boolean().optional()
  })
)
export type AuthServerMetadata = z.infer<typeof AuthServerMetadata>

/** An autoconfig issuer is often a bare host ("login.example.com"): make it an https URL. */
export function issuerUrl(issuer: string): string {
  const trimmed = issuer.trim()
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`
  const parsed = requireHttps(url, 'OAuth issuer')
  if (parsed.search || parsed.hash)
    fail('oauth-server-error', { protocol: 'oauth', detail: 'issuer has a query or fragment' })
  return parsed.href.replace(/\/$/, '')
}

/** The well-known URLs to try, in RFC 8414 order. */
export function metadataUrls(issuer: string): string[] {
  const u = new URL(issuer)
  const path = u.pathname.replace(/\/$/, '')
  return [
    `${u.origin}/.well-known/oauth-authorization-server${path}`,
    `${u.origin}${path}/.well-known/openid-configuration`
  ]
}

const sameIssuer = (a: string, b: string): boolean => a.replace(/\/$/, '') === b.replace(/\/$/, '')

export async function fetchMetadata(issuer: string, deps: HttpDeps): Promise<AuthServerMetadata> {
  const url = issuerUrl(issuer)
  let last: AppError | undefined
  for (const where of metadataUrls(url)) {
    const res = await requestJson(where, undefined, deps)
    const parsed = res.status === 200 ? AuthServerMetadata.safeParse(res.json) : undefined
    if (!parsed?.success) {
      last = new AppError({
        code: 'oauth-server-error',
        protocol: 'oauth',
        host: new URL(where).hostname,
        detail: `metadata ${where} answered ${res.status}${parsed ? ', malformed' : ''}`
      })
      continue
    }
    return checkMetadata(parsed.data, url)
  }
  throw last ?? new AppError({ code: 'oauth-server-error', protocol: 'oauth', detail: 'no metadata' })
}

function checkMetadata(meta: AuthServerMetadata, issuer: string): AuthServerMetadata {
  // RFC 8414 §3.3: a document naming another issuer must not be used (mix-up defence).
  if (!sameIssuer(meta.issuer, issuer)) {
    fail('oauth-server-error', {
      protocol: 'oauth',
      detail: `metadata names issuer ${meta.issuer.slice(0, 200)}, expected ${issuer}`
    })
  }
  requireHttps(meta.authorization_endpoint, 'authorization endpoint')
  requireHttps(meta.token_endpoint, 'token endpoint')
  if (meta.revocation_endpoint) requireHttps(meta.revocation_endpoint, 'revocation endpoint')
  if (meta.registration_endpoint) requireHttps(meta.registration_endpoint, 'registration endpoint')
  const methods = meta.code_challenge_methods_supported
  if (methods && !methods.includes('S256')) {
    fail('unsupported', { protocol: 'oauth', detail: 'the authorization server does not offer PKCE S256' })
  }
  return meta
}

const ResourceMetadata = lazySchema(() =>
  z.object({
    resource: z.string().max(2048),
    authorization_servers: z.array(z.string().max(2048)).min(1).max(20)
  })
)

/**
 * The issuer that protects an https resource (a JMAP session URL), from its RFC 9728
 * metadata; undefined when the resource publishes none. The document must name the resource
 * itself (RFC 9728 §3.3), and the issuer must be https.
 */
export async function resourceIssuer(resource: string, deps: HttpDeps): Promise<string | undefined> {
  const u = requireHttps(resource, 'protected resource')
  const path = u.pathname.replace(/\/$/, '')
  const where = `${u.origin}/.well-known/oauth-protected-resource${path === '' ? '' : path}`
  const res = await requestJson(where, undefined, deps).catch(() => undefined)
  const parsed = res?.status === 200 ? ResourceMetadata.safeParse(res.json) : undefined
  if (!parsed?.success || !sameIssuer(parsed.data.resource, resource)) return undefined
  try {
    return issuerUrl(parsed.data.authorization_servers[0]!)
  } catch {
    return undefined
  }
}
