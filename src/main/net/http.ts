// A bounded HTTP(S) client for discovery and token requests: resolves through our Dns,
// trusts only the given CAs, has one deadline for the whole exchange (redirects included),
// caps the body, follows a limited number of redirects and says when one left HTTPS or the
// domain. Status codes are returned, not thrown; transport problems throw HttpError.
import type http from 'node:http'
import type https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import type { LookupAddress } from 'node:dns'
import { builtSecureContext, secureContextFor } from './trust'
import { lookupFrom } from './dns'
import { nodeHttp, nodeHttps } from './builtins'
import type { SourceReason } from '../../shared/source-reason'
import { requestFailureReason } from '../diagnosis/library'

export type HttpReason =
  | 'timeout'
  | 'aborted'
  | 'nxdomain'
  | 'connect'
  | 'tls'
  | 'too-large'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'redirect-to-http'
  | 'redirect-with-body'
  | 'bad-redirect'
  | 'bad-url'
  | 'protocol'

export class HttpError extends Error {
  constructor(
    readonly reason: HttpReason,
    readonly url: string,
    detail: string,
    readonly code?: string
  ) {
    super(detail)
    this.name = 'HttpError'
  }
}

export interface HttpRequest {
  url: string
  method?: 'GET' | 'POST' | 'HEAD'
  headers?: Record<string, string>
  body?: string | Buffer
  /** Resolver for every hop (Dns.lookupFn). */
  lookup: LookupFunction
  /** Trusted CA certificates (PEM); empty or absent means Node's defaults. */
  ca?: string[]
  signal?: AbortSignal
  /** Deadline for the whole exchange, redirects included. */
  timeoutMs: number
  /** Body size cap in bytes (default 1 MiB). */
  maxBytes?: number
  /** Redirects to follow (default 5; 0 returns the 3xx response as is). */
  maxRedirects?: number
  /** Follow a redirect from https to http (default false: HttpError 'redirect-to-http'). */
  allowDowngrade?: boolean
  /** The domain the exchange should stay in; sets `leftDomain` when a hop leaves it. */
  domain?: string
}

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  /** Media type, lower case, without parameters ('' when absent). */
  contentType: string
  body: Buffer
  /** URL of the final hop. */
  url: string
  /** Every URL redirected to, in order. */
  redirects: string[]
  /** A redirect went from https to http. */
  leftHttps: boolean
  /** A hop's host was outside `domain`. */
  leftDomain: boolean
}

export function inDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '')
  const d = domain.toLowerCase().replace(/\.$/, '')
  return h === d || h.endsWith(`.${d}`)
}

/** 'http-404', 'http-4xx', 'http-5xx', … for a status that is not a success. */
export function statusReason(status: number): SourceReason {
  if (status === 404 || status === 410) return 'http-404'
  if (status === 401 || status === 403) return 'http-401'
  if (status >= 500) return 'http-5xx'
  if (status >= 400) return 'http-4xx'
  if (status >= 300) return 'http-3xx'
  return 'http-other'
}

function classify(err: NodeJS.ErrnoException, url: string): HttpError {
  const code = err.code ?? ''
  const reason = requestFailureReason(code)
  if (reason === 'nxdomain') return new HttpError('nxdomain', url, `${new URL(url).hostname} not found`, code)
  if (reason === 'tls') return new HttpError('tls', url, `TLS: ${code}`, code)
  if (reason === 'connect') return new HttpError('connect', url, `connection failed: ${code}`, code)
  return new HttpError('protocol', url, `request failed: ${code || err.message}`.slice(0, 300), code)
}

interface Hop {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/**
 * Every address of `host`, through the request's resolver, cancelled with the exchange. Node
 * asks the same `lookup` when it connects; asking first lets the TLS context wait for the answer.
 */
function resolveFirst(lookup: LookupFunction, host: string, signal: AbortSignal): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    lookup(host, { all: true }, (err, addresses) => {
      signal.removeEventListener('abort', onAbort)
      if (err) reject(err)
      else resolve(addresses as unknown as LookupAddress[])
    })
  })
}

async function oneHop(
  req: HttpRequest,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal,
  maxBytes: number
): Promise<Hop> {
  const secure = url.protocol === 'https:'
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let lookup = req.lookup
  let secureContext: unknown
  if (secure && req.ca && req.ca.length) {
    // The shared context: a new one per request would parse every root again.
    secureContext = builtSecureContext(req.ca)
    if (!secureContext) {
      // The first one parses every trusted root (~30 ms of CPU, net/trust.ts). Node wants it
      // before it asks for the address, so the question went out only after that work; asked
      // here first, the context is built while the answer travels (discovery prepares it once
      // its questions are out) or once it came, and the connection uses that answer.
      const addresses = await resolveFirst(req.lookup, host, signal)
      lookup = lookupFrom(async () => addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })))
      secureContext = secureContextFor(req.ca)
    }
  }
  return new Promise<Hop>((resolve, reject) => {
    const mod = secure ? nodeHttps() : nodeHttp()
    const options: https.RequestOptions = {
      method,
      host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      lookup,
      agent: false,
      signal
    }
    if (secure) {
      if (secureContext) (options as https.RequestOptions & { secureContext: unknown }).secureContext = secureContext
      // SNI carries names only (RFC 6066); an address literal is checked against the certificate's IPs.
      options.servername = isIP(host) ? undefined : host
      options.rejectUnauthorized = true
    }
    const r = mod.request(options, (res) => {
      const declared = Number(res.headers['content-length'])
      // Reject before destroying: destroy() emits its own error synchronously.
      if (declared > maxBytes) {
        reject(new HttpError('too-large', url.href, `body of ${declared} bytes exceeds ${maxBytes}`))
        res.destroy()
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > maxBytes) {
          reject(new HttpError('too-large', url.href, `body exceeds ${maxBytes} bytes`))
          res.destroy()
          return
        }
        chunks.push(c)
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', (err) => reject(err))
      res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })))
    })
    r.on('error', reject)
    r.end(body)
  })
}

/** Performs the request; throws HttpError for transport problems, returns every status. */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const maxBytes = req.maxBytes ?? 1024 * 1024
  const maxRedirects = req.maxRedirects ?? 5
  const deadline = AbortSignal.timeout(req.timeoutMs)
  const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline
  let url: URL
  try {
    url = new URL(req.url)
  } catch {
    throw new HttpError('bad-url', req.url, 'not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HttpError('bad-url', req.url, 'only http and https')
  let method = req.method ?? 'GET'
  let body = req.body === undefined ? undefined : Buffer.from(req.body)
  let headers: Record<string, string> = { 'user-agent': 'MailSetup/0.1', accept: '*/*' }
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v
  const redirects: string[] = []
  const seen = new Set([url.href])
  let leftHttps = false
  let leftDomain = req.domain ? !inDomain(url.hostname, req.domain) : false

  for (;;) {
    let hop: Hop
    try {
      hop = await oneHop(req, url, method, headers, body, signal, maxBytes)
    } catch (err) {
      if (err instanceof HttpError) throw err
      if (deadline.aborted) throw new HttpError('timeout', url.href, `no answer within ${req.timeoutMs} ms`)
      if (req.signal?.aborted) throw new HttpError('aborted', url.href, 'cancelled')
      throw classify(err as NodeJS.ErrnoException, url.href)
    }
    const location = hop.headers.location
    const isRedirect = [301, 302, 303, 307, 308].includes(hop.status) && typeof location === 'string'
    if (!isRedirect || maxRedirects === 0) {
      return {
        status: hop.status,
        headers: hop.headers,
        contentType: String(hop.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase(),
        body: hop.body,
        url: url.href,
        redirects,
        leftHttps,
        leftDomain
      }
    }
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      throw new HttpError('bad-redirect', url.href, 'redirect to an invalid URL')
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:')
      throw new HttpError('bad-redirect', url.href, `redirect to ${next.protocol}`)
    if (seen.has(next.href)) throw new HttpError('redirect-loop', url.href, `redirect loop at ${next.href}`)
    if (redirects.length >= maxRedirects)
      throw new HttpError('too-many-redirects', url.href, `more than ${maxRedirects} redirects`)
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      leftHttps = true
      if (!req.allowDowngrade) throw new HttpError('redirect-to-http', url.href, `redirect from HTTPS to ${next.href}`)
    }
    if (req.domain && !inDomain(next.hostname, req.domain)) leftDomain = true
    if (next.origin !== url.origin) {
      // Credentials belong to the origin they were meant for.
      const { authorization: _a, cookie: _c, ...rest } = headers
      headers = rest
      if (body && (hop.status === 307 || hop.status === 308)) {
        throw new HttpError('redirect-with-body', url.href, `refusing to resend a request body to ${next.origin}`)
      }
    }
    if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      delete headers['content-type']
    }
    redirects.push(next.href)
    seen.add(next.href)
    url = next
  }
}
