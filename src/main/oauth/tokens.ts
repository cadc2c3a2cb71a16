// The token endpoint (RFC 6749 §4.1.3 and §6) for a public client: no client secret, PKCE
// verifier on the code exchange. Every token is registered with redact.ts the moment it arrives.
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'
import { AppError } from '../errors'
import { redact, registerSecret } from '../redact'
import { requestJson, type HttpDeps } from './http'

export interface TokenSet {
  accessToken: string
  /** Epoch ms when the access token stops working. */
  expiresAt: number
  /** Lifetime the server gave, ms (decides how early to refresh). */
  lifetimeMs: number
  refreshToken?: string
  /** Who signed in, from the ID token when the server sent one. */
  email?: string
}

const TokenAnswer = lazySchema(() =>
  z.object({
    access_token: z.string().min(1).max(16_384),
    token_type: z.string().max(50),
    expires_in: z.coerce
      .number()
      .positive()
      .max(10 * 365 * 86400)
      .optional(),
    refresh_token: z.string().min(1).max(16_384).optional(),
    id_token: z.string().max(32_768).optional(),
    scope: z.string().max(4096).optional()
  })
)

const ErrorAnswer = lazySchema(() =>
  z.object({ error: z.string().max(200), error_description: z.string().max(2000).optional() })
)

/**
 * The ID token's address claim, for display and as the mail username. It came straight from
 * the token endpoint over verified TLS (OpenID Connect Core §3.1.3.7), so it is not re-verified.
 */
export function idTokenEmail(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1]
  if (!payload) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    for (const key of ['email', 'preferred_username', 'upn']) {
      const v = claims[key]
      if (typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v) && v.length <= 320) return v
    }
  } catch {
    // not a JWT we can read: no username hint
  }
  return undefined
}

export type Grant =
  | { kind: 'code'; code: string; verifier: string; redirectUri: string }
  | { kind: 'refresh'; refreshToken: string; scope?: string }

export async function requestTokens(
  tokenEndpoint: string,
  clientId: string,
  grant: Grant,
  deps: HttpDeps & { now?: () => number }
): Promise<TokenSet> {
  const form: Record<string, string> =
    grant.kind === 'code'
      ? {
          grant_type: 'authorization_code',
          code: grant.code,
          redirect_uri: grant.redirectUri,
          code_verifier: grant.verifier,
          client_id: clientId
        }
      : {
          grant_type: 'refresh_token',
          refresh_token: grant.refreshToken,
          client_id: clientId,
          ...(grant.scope ? { scope: grant.scope } : {})
        }
  const host = new URL(tokenEndpoint).hostname
  const res = await requestJson(tokenEndpoint, form, deps)
  if (res.status !== 200) {
    const err = ErrorAnswer.safeParse(res.json)
    const error = err.success ? err.data.error : undefined
    const serverSays = err.success
      ? redact(`${error}${err.data.error_description ? `: ${err.data.error_description}` : ''}`).slice(0, 500)
      : undefined
    // A refresh token the server no longer honours (revoked, expired, password changed):
    // the user has to sign in again. Anything else is the server's problem.
    const code = grant.kind === 'refresh' && error === 'invalid_grant' ? 'oauth-token-expired' : 'oauth-server-error'
    throw new AppError({
      code,
      protocol: 'oauth',
      host,
      serverSays,
      detail: `token endpoint answered ${res.status} ${error ?? ''}`.trim()
    })
  }
  const parsed = TokenAnswer.safeParse(res.json)
  if (!parsed.success || parsed.data.token_type.toLowerCase() !== 'bearer') {
    throw new AppError({
      code: 'oauth-server-error',
      protocol: 'oauth',
      host,
      detail: 'token answer is malformed or not a bearer token'
    })
  }
  const t = parsed.data
  registerSecret(t.access_token)
  registerSecret(t.refresh_token)
  registerSecret(t.id_token)
  const lifetimeMs = (t.expires_in ?? 3600) * 1000
  return {
    accessToken: t.access_token,
    expiresAt: (deps.now ?? Date.now)() + lifetimeMs,
    lifetimeMs,
    refreshToken: t.refresh_token,
    email: idTokenEmail(t.id_token)
  }
}
