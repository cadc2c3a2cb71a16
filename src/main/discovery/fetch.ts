// Fetching one autoconfig document over HTTP(S) and turning every way it can go wrong into
// a reason code. Used by the HTTPS/HTTP autoconfig, ISPDB and MX sources. No credentials
// are ever attached here: autoconfig URLs only see the address.
import { HttpError, httpRequest, statusReason, type HttpResponse } from '../net/http'
import { XmlError } from '../xml-tree'
import { AutoconfigError, type AutoconfigFile } from './autoconfig-tree'
import type { SourceContext } from './types'
import type { SourceReason } from '../../shared/source-reason'

export const XML_TYPES = new Set(['text/xml', 'application/xml'])
export const MAX_CONFIG_BYTES = 256 * 1024

export type Fetched =
  | { ok: true; url: string; file: AutoconfigFile; res: HttpResponse }
  | { ok: false; url: string; state: 'nothing' | 'failed'; reason: SourceReason; detail: string }

const NOTHING = new Set<SourceReason>(['nxdomain', 'http-404', 'no-servers'])

export function miss(url: string, reason: SourceReason, detail: string): Fetched {
  return { ok: false, url, state: NOTHING.has(reason) ? 'nothing' : 'failed', reason, detail }
}

export function httpFailure(url: string, err: unknown): Fetched {
  if (err instanceof HttpError) return miss(url, err.reason, `${url}: ${err.message}`)
  if (err instanceof XmlError || err instanceof AutoconfigError) return miss(url, err.reason, `${url}: ${err.message}`)
  return miss(url, 'internal', `${url}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500))
}

/** One GET through the source's resolver, trust store, signal and budget. */
export function sourceGet(
  ctx: Pick<SourceContext, 'dns' | 'ca' | 'signal' | 'timeoutMs'>,
  url: string,
  o: { accept: string; maxBytes: number; maxRedirects: number; domain?: string; timeoutMs?: number }
): Promise<HttpResponse> {
  return httpRequest({
    url,
    lookup: ctx.dns.lookupFn,
    ca: ctx.ca,
    signal: ctx.signal,
    timeoutMs: o.timeoutMs ?? ctx.timeoutMs,
    maxBytes: o.maxBytes,
    maxRedirects: o.maxRedirects,
    domain: o.domain,
    headers: { accept: o.accept }
  })
}

export async function fetchAutoconfig(
  ctx: Pick<SourceContext, 'addr' | 'dns' | 'ca' | 'signal' | 'timeoutMs'>,
  url: string,
  opts: { domain?: string; timeoutMs?: number } = {}
): Promise<Fetched> {
  try {
    const res = await sourceGet(ctx, url, {
      accept: 'text/xml, application/xml',
      maxBytes: MAX_CONFIG_BYTES,
      maxRedirects: 5,
      domain: opts.domain,
      timeoutMs: opts.timeoutMs
    })
    if (res.status !== 200) return miss(url, statusReason(res.status), `${url}: HTTP ${res.status}`)
    if (!XML_TYPES.has(res.contentType)) {
      return miss(url, 'bad-content-type', `${url}: content type '${res.contentType || 'none'}'`)
    }
    // The XML parser loads with the first document to parse, not with every discovery.
    const file = (await import('./autoconfig')).parseAutoconfig(res.body, ctx.addr)
    if (!file.incoming.length && !file.outgoing.length)
      return miss(url, 'no-servers', `${url}: no IMAP, POP3 or SMTP server`)
    return { ok: true, url, file, res }
  } catch (err) {
    return httpFailure(url, err)
  }
}

const SEVERITY: SourceReason[] = ['internal', 'nxdomain', 'http-404', 'no-servers']

/** The most telling failure among several attempts (a broken answer beats a missing one). */
export function worst(misses: Array<Extract<Fetched, { ok: false }>>): Extract<Fetched, { ok: false }> {
  const rank = (m: Extract<Fetched, { ok: false }>): number =>
    (m.state === 'failed' ? 100 : 0) + SEVERITY.indexOf(m.reason)
  return [...misses].sort((a, b) => rank(b) - rank(a))[0]!
}
