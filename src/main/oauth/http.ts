// HTTPS requests to authorization servers: resolved through the app's DNS, verified against
// the app's trust store, no redirects, a deadline, a size cap, and typed failures.
import { request } from 'node:https'
import type { Dns } from '../net/dns'
import { AppError, fail } from '../errors'
import type { DiagnosisCode } from '../../shared/diagnosis'

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
    fail('oauth-server-error', { protocol: 'oauth', host: parsed.hostname, detail: `${what} must be an https URL without credentials` })
  }
  return parsed
}

const TLS_CODES: Record<string, DiagnosisCode> = {
  CERT_HAS_EXPIRED: 'cert-expired',
  CERT_NOT_YET_VALID: 'cert-not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'cert-self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'cert-untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cert-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'cert-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'cert-wrong-host'
}

function networkCode(err: NodeJS.ErrnoException): DiagnosisCode {
  const code = err.code ?? ''
  if (TLS_CODES[code]) return TLS_CODES[code]
  if (code === 'ECONNREFUSED') return 'connection-refused'
  if (code === 'ENOTFOUND' || code === 'ENODATA') return 'dns-not-found'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection-closed'
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'network-unreachable'
  return 'oauth-server-error'
}

/** GET (no form) or POST an urlencoded form; answers JSON (or null when the body is not JSON). */
export function requestJson(url: string, form: Record<string, string> | undefined, deps: HttpDeps): Promise<JsonResponse> {
  const target = requireHttps(url, 'OAuth endpoint')
  const timeout = AbortSignal.timeout(deps.timeoutMs ?? 15_000)
  const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout
  const body = form ? new URLSearchParams(form).toString() : undefined
  const where = { protocol: 'oauth' as const, host: target.hostname, port: Number(target.port) || 443 }
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(deps.signal, where))
    const req = request(
      target,
      {
        method: form ? 'POST' : 'GET',
        ca: deps.ca,
        lookup: deps.dns.lookupFn,
        signal,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {})
        }
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_BYTES) {
            req.destroy()
            reject(new AppError({ code: 'oauth-server-error', ...where, detail: 'answer too large' }))
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = null
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON: callers treat null as a malformed answer
          }
          resolve({ status: res.statusCode ?? 0, json })
        })
        res.on('error', (err) => reject(toAppError(err, deps.signal, where)))
      }
    )
    req.on('error', (err) => reject(toAppError(err, deps.signal, where)))
    req.end(body)
  })
}

type Where = { protocol: 'oauth'; host: string; port: number }

function abortError(user: AbortSignal | undefined, where: Where): AppError {
  if (user?.aborted) return new AppError({ code: 'oauth-cancelled', ...where, detail: 'cancelled' })
  return new AppError({ code: 'timeout', ...where, detail: 'the authorization server did not answer in time' })
}

function toAppError(err: unknown, user: AbortSignal | undefined, where: Where): AppError {
  if (err instanceof AppError) return err
  const e = err as NodeJS.ErrnoException
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return abortError(user, where)
  return new AppError({ code: networkCode(e), ...where, detail: `${e?.code ?? ''} ${e?.message ?? ''}`.trim().slice(0, 300) })
}
