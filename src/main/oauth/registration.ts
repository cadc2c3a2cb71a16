// OAuth for open public clients (draft-ietf-mailmaint-oauth-public): with no client ID
// configured, Mail Setup registers itself at the issuer's RFC 7591 endpoint as a native public
// client (PKCE S256, no client secret, loopback redirect, RFC 8252 §7.3) and keeps the client
// ID per issuer in the keychain, so each issuer sees one registration per installation.
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'
import { oauthClientKey } from '../credentials/entries'
import type { CredentialStore } from '../credentials/store'
import { AppError } from '../errors'
import { redact, registerSecret } from '../redact'
import { postJson, type HttpDeps } from './http'
import { CALLBACK_PATH } from './loopback'
import type { AuthServerMetadata } from './metadata'

/** The semantic scope for mail access (draft-ietf-mailmaint-oauth-public §3.9). */
export const MAIL_SCOPE = 'urn:ietf:params:oauth:scope:mail'

/**
 * The scope to ask for: the semantic mail scope where the server lists it (with openid/email
 * for the account's address and offline_access for a refresh token, where listed); otherwise
 * the scope the configuration gave, or the OpenID basics.
 */
export function chooseScope(given: string, meta: Pick<AuthServerMetadata, 'scopes_supported'> | undefined): string {
  const offered = meta?.scopes_supported
  const listed = (s: string): boolean => !offered || offered.includes(s)
  if (offered?.includes(MAIL_SCOPE)) return ['openid', 'email', MAIL_SCOPE, 'offline_access'].filter(listed).join(' ')
  if (given.trim()) return given
  return ['openid', 'email', 'offline_access'].filter(listed).join(' ')
}

/** What RFC 7591 §3.2.1 answers; only the client ID is needed. */
const Registered = lazySchema(() =>
  z.object({
    client_id: z
      .string()
      .min(1)
      .max(400)
      .regex(/^[\x21-\x7e]+$/),
    registration_access_token: z.string().max(4096).optional(),
    registration_client_uri: z.string().max(2048).optional()
  })
)

/** The request a native public client sends (RFC 7591 §2, RFC 8252 §8.4). */
export function registrationRequest(): Record<string, unknown> {
  return {
    client_name: 'Mail Setup',
    application_type: 'native',
    redirect_uris: [`http://127.0.0.1${CALLBACK_PATH}`],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code']
  }
}

interface Stored {
  v: 1
  clientId: string
  registrationAccessToken?: string
  registrationClientUri?: string
}

function parseStored(raw: string | null): Stored | undefined {
  if (!raw) return undefined
  try {
    const s = JSON.parse(raw) as Partial<Stored>
    return s.v === 1 && typeof s.clientId === 'string' && s.clientId ? (s as Stored) : undefined
  } catch {
    // an entry we cannot read: register again
    return undefined
  }
}

export interface RegistrationDeps extends HttpDeps {
  credentials: CredentialStore
  /** Client IDs registered this session, for when the keychain cannot keep them. */
  memory: Map<string, string>
}

/** The client ID for `issuer`: from this session, the keychain, or a new registration. */
export async function registeredClientId(
  issuer: string,
  endpoint: string,
  deps: RegistrationDeps
): Promise<{ clientId: string; registered: boolean }> {
  const key = oauthClientKey(issuer)
  const known = deps.memory.get(key) ?? parseStored(await deps.credentials.get(key).catch(() => null))?.clientId
  if (known) {
    deps.memory.set(key, known)
    return { clientId: known, registered: false }
  }
  const host = new URL(endpoint).hostname
  const res = await postJson(endpoint, registrationRequest(), deps)
  const ok = res.status === 201 || res.status === 200
  const parsed = ok ? Registered.safeParse(res.json) : undefined
  if (!parsed?.success) {
    const err = res.json as { error?: unknown; error_description?: unknown } | null
    const said =
      typeof err?.error === 'string'
        ? redact(`${err.error}${typeof err.error_description === 'string' ? `: ${err.error_description}` : ''}`).slice(
            0,
            500
          )
        : undefined
    throw new AppError({
      code: 'oauth-server-error',
      protocol: 'oauth',
      host,
      serverSays: said,
      detail: `client registration answered ${res.status}${ok ? ', malformed' : ''}`
    })
  }
  const r = parsed.data
  registerSecret(r.registration_access_token)
  deps.memory.set(key, r.client_id)
  const stored: Stored = {
    v: 1,
    clientId: r.client_id,
    registrationAccessToken: r.registration_access_token,
    registrationClientUri: r.registration_client_uri
  }
  // A keychain that is unavailable keeps the registration for this session only.
  await deps.credentials.save(key, JSON.stringify(stored))
  return { clientId: r.client_id, registered: true }
}
