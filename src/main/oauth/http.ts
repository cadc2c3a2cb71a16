// HTTPS requests to authorization servers, over the app's one bounded HTTP client (its DNS,
// its trust store, a deadline, a size cap), without redirects, failures as OAuth diagnoses.
import type { Dns } from '../net/dns'
import { HttpError, httpRequest } from '../net/http'
import { AppError, fail } from '../errors'
import { requestErrorCode } from '../diagnosis/library'

export interface HttpDeps {
  dns: Dns
  ca: string[]
  signal?: AbortSignal
  timeoutMs?: number
}

export interface JsonResponse {
  status: number
  json: unknown
}

const MAX_BYTES = 256 * 1024

export function requireHttps(url: string, what: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return fail('oauth-server-error', { protocol: 'oauth', detail: `${what} is not a URL` })
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) {
    fail('oauth-server-error', {
      protocol: 'oauth',
      host: parsed.hostname,
      detail: `${what} must be an https URL without credentials`
    })
  }
  return parsed
}

/** GET (no form) or POST an urlencoded form; answers JSON (or null when the body is not JSON). */
export function requestJson(
  url: string,
  form: Record<string, string> | undefined,
  deps: HttpDeps
): Promise<JsonResponse> {
  const body = form ? new URLSearchParams(form).toString() : undefined
  return send(url, body, body ? 'application/x-www-form-urlencoded' : undefined, deps)
}

/** POST a JSON document (RFC 7591 registration); answers as requestJson. */
export function postJson(url: string, doc: unknown, deps: HttpDeps): Promise<JsonResponse> {
  return send(url, JSON.stringify(doc), 'application/json', deps)
}

async function send(
  url: string,
  body: string | undefined,
  type: string | undefined,
  deps: HttpDeps
): Promise<JsonResponse> {
  const target = requireHttps(url, 'OAuth endpoint')
  const where = { protocol: 'oauth' as const, host: target.hostname, port: Number(target.port) || 443 }
  let res
  try {
    res = await httpRequest({
      url: target.href,
      method: body !== undefined ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...(type ? { 'content-type': type } : {}) },
      body,
      lookup: deps.dns.lookupFn,
      ca: deps.ca,
      signal: deps.signal,
      timeoutMs: deps.timeoutMs ?? 15_000,
      maxBytes: MAX_BYTES,
      // An authorization server answers where it was asked; a redirect is returned, not followed.
      maxRedirects: 0
    })
  } catch (err) {
    throw toAppError(err, where)
  }
  let json: unknown = null
  try {
    json = JSON.parse(res.body.toString('utf8'))
  } catch {
    // not JSON: callers treat null as a malformed answer
  }
  return { status: res.status, json }
}

function toAppError(err: unknown, where: { protocol: 'oauth'; host: string; port: number }): AppError {
  if (!(err instanceof HttpError))
    return new AppError({
      code: 'oauth-server-error',
      ...where,
      detail: String((err as Error)?.message ?? err).slice(0, 300)
    })
  if (err.reason === 'aborted') return new AppError({ code: 'oauth-cancelled', ...where, detail: 'cancelled' })
  if (err.reason === 'timeout')
    return new AppError({ code: 'timeout', ...where, detail: 'the authorization server did not answer in time' })
  if (err.reason === 'too-large')
    return new AppError({ code: 'oauth-server-error', ...where, detail: 'answer too large' })
  return new AppError({
    code: requestErrorCode(err.code ?? '', 'oauth-server-error'),
    ...where,
    detail: err.message.slice(0, 300)
  })
}
