// A real OAuth2 / OpenID authorization server (oidc-provider) on loopback over HTTPS, with a
// test user, a public native client for the app (PKCE, loopback redirect), opaque access
// tokens, introspection for the mail servers and revocation. Its own development sign-in and
// consent pages are the ones the browser test drives.
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https'
import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface OAuthServerOptions {
  /** Loopback address to listen on (port 0: a free port). */
  host: string
  cert: string
  key: string
  ca: string
  /** Access-token lifetime in seconds (short values test refresh). */
  accessTokenTtl?: number
  /** The public client the app signs in with. */
  clientId?: string
  /** Maps a login name typed on the sign-in page to the account's email address. */
  emailFor?: (login: string) => string
  /** Open dynamic client registration (RFC 7591), as draft-ietf-mailmaint-oauth-public asks. */
  registration?: boolean
}

export interface OAuthServer {
  issuer: string
  clientId: string
  /** Confidential client the mail servers use to introspect. */
  resourceClient: { id: string; secret: string }
  /** Plain-HTTP introspection URL with client credentials for Dovecot (on 127.0.0.1 only). */
  dovecotIntrospectionUrl: string
  /** Scope the app asks for (openid email offline_access plus the mail resource scope). */
  scope: string
  introspect(token: string): Promise<{ active: boolean; email?: string; scope?: string }>
  /** Clients registered through RFC 7591, in order. */
  registered: Array<{ clientId: string; applicationType?: string; authMethod?: string; redirectUris: string[] }>
  /** Revokes a token through the revocation endpoint as the app would. */
  revoke(token: string): Promise<void>
  /** Withdraws everything granted to the app for a login, as a user or admin revoking access does. */
  revokeAccess(login: string): Promise<number>
  /**
   * Lifetime of the access tokens issued from now on (sign-ins and refreshes): a test that needs
   * a token near its expiry signs in with a short one instead of waiting out a long one.
   */
  setAccessTokenTtl(seconds: number): void
  close(): Promise<void>
}

const RESOURCE = 'urn:mail-setup:mail'
/** The semantic mail scope of draft-ietf-mailmaint-oauth-public. */
const MAIL_SCOPE = 'urn:ietf:params:oauth:scope:mail'

export async function startOAuthServer(opts: OAuthServerOptions): Promise<OAuthServer> {
  const clientId = opts.clientId ?? 'mail-setup-test'
  const resourceClient = { id: 'mail-servers', secret: `rs-${Math.random().toString(36).slice(2)}` }
  const emailFor = opts.emailFor ?? ((login: string) => (login.includes('@') ? login : `${login}@example.test`))
  let ttl = opts.accessTokenTtl ?? 600

  const https = createHttpsServer({ cert: opts.cert, key: opts.key })
  await listen(https, opts.host)
  const issuer = `https://${opts.host}:${(https.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/oauth/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code']
      },
      {
        client_id: resourceClient.id,
        client_secret: resourceClient.secret,
        redirect_uris: [],
        grant_types: [],
        response_types: []
      }
    ],
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: emailFor(sub), email_verified: true })
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email', 'offline_access', 'mail', MAIL_SCOPE],
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      registration: { enabled: opts.registration === true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: `mail ${MAIL_SCOPE}`,
          accessTokenFormat: 'opaque',
          accessTokenTTL: ttl
        })
      }
    },
    // The app is a public native client: always give it a refresh token (without prompt=consent).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // The mail servers learn whose token it is from the introspection answer.
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; kind?: string }) =>
      token.accountId ? { email: emailFor(token.accountId) } : undefined,
    ttl: { AccessToken: () => ttl, IdToken: 3600, RefreshToken: 86400, Grant: 86400, Session: 3600, Interaction: 600 },
    pkce: { required: () => true },
    cookies: { keys: ['oauth-bench-cookie-key'] },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html'
      ctx.body = `<!doctype html><title>error</title><pre>${JSON.stringify(out).replace(/</g, '&lt;')}</pre>`
    }
  })
  // Silence its console warnings about development interactions in test output.
  provider.on('server_error', () => undefined)
  const grants: Array<{ id: string; accountId: string }> = []
  provider.on('grant.saved', (g) => {
    const grant = g as { jti: string; accountId: string }
    grants.push({ id: grant.jti, accountId: grant.accountId })
  })
  const registered: OAuthServer['registered'] = []
  provider.on('registration_create.success', (_ctx, c) => {
    const client = c as {
      clientId: string
      applicationType?: string
      tokenEndpointAuthMethod?: string
      redirectUris?: string[]
    }
    registered.push({
      clientId: client.clientId,
      applicationType: client.applicationType,
      authMethod: client.tokenEndpointAuthMethod,
      redirectUris: client.redirectUris ?? []
    })
  })
  const callback = provider.callback()
  https.on('request', callback)

  // Dovecot 2.3 wants the introspection client's credentials in the URL; serve that one
  // endpoint over plain HTTP on 127.0.0.1 so Dovecot needs no CA configuration.
  const plain = createHttpServer(callback)
  await listen(plain, '127.0.0.1')
  const plainPort = (plain.address() as AddressInfo).port
  const dovecotIntrospectionUrl = `http://${resourceClient.id}:${resourceClient.secret}@127.0.0.1:${plainPort}/token/introspection`

  async function post(
    path: string,
    form: Record<string, string>,
    basic?: { id: string; secret: string }
  ): Promise<{ status: number; body: string }> {
    const body = new URLSearchParams(form).toString()
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body))
    }
    if (basic)
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(path, issuer), { method: 'POST', headers, ca: opts.ca }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  return {
    issuer,
    clientId,
    resourceClient,
    dovecotIntrospectionUrl,
    scope: 'openid email offline_access mail',
    registered,
    async introspect(token) {
      const res = await post('/token/introspection', { token }, resourceClient)
      if (res.status !== 200) throw new Error(`introspection answered ${res.status}`)
      return JSON.parse(res.body) as { active: boolean; email?: string; scope?: string }
    },
    async revoke(token) {
      const res = await post('/token/revocation', { token, client_id: clientId })
      if (res.status !== 200) throw new Error(`revocation answered ${res.status}: ${res.body}`)
    },
    async revokeAccess(login) {
      const mine = grants.filter((g) => g.accountId === login)
      for (const { id } of mine) {
        await Promise.all([
          provider.AccessToken.revokeByGrantId(id),
          provider.RefreshToken.revokeByGrantId(id),
          provider.Grant.adapter.destroy(id)
        ])
      }
      return mine.length
    },
    setAccessTokenTtl(seconds) {
      ttl = seconds
    },
    async close() {
      await Promise.all([closeServer(https), closeServer(plain)])
    }
  }
}

function listen(server: Server, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
