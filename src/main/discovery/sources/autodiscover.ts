// Exchange Autodiscover (POX). Microsoft's order: POST https://D/autodiscover/autodiscover.xml,
// POST https://autodiscover.D/..., GET http://autodiscover.D/... for a redirect to HTTPS, then
// SRV _autodiscover._tcp.D. All start at once; the first success in that order wins. Every
// POST goes without the password; it is sent again with it only when an HTTPS host inside the
// address's domain answered 401 (never up front, never to a server that did not ask). redirectAddr / redirectUrl are
// followed up to MAX_REDIRECTS times.
import { parseAddress } from '../../../shared/address'
import type { AuthMethod, Security, ServerSettings } from '../../../shared/domain'
import { HttpError, httpRequest, inDomain, statusReason } from '../../net/http'
import { XmlError, childText, kid, kids, type XmlElement } from '../../xml-tree'
import { MAX_CONFIG_BYTES, XML_TYPES } from '../fetch'
import {
  failed,
  found,
  nothing,
  type Addr,
  type Draft,
  type Source,
  type SourceContext,
  type SourceOutcome
} from '../types'
import type { SourceReason } from '../../../shared/source-reason'
import { securityForPort } from '../../../shared/ports'

const MAX_REDIRECTS = 3
const PATH = '/autodiscover/autodiscover.xml'

export function autodiscoverBody(address: string): string {
  const esc = address.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${esc}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`
}

export type AutodiscoverAnswer =
  | { kind: 'settings'; incoming: ServerSettings[]; outgoing: ServerSettings[] }
  | { kind: 'redirectAddr'; address: string }
  | { kind: 'redirectUrl'; url: string }
  | { kind: 'error'; detail: string }

const on = (v: string | undefined, dflt: boolean): boolean => (v === undefined ? dflt : v.toLowerCase() === 'on')

function security(port: number, ssl: string | undefined, encryption: string | undefined): Security {
  const enc = encryption?.toLowerCase()
  if (enc === 'none' || !on(ssl, true)) return 'plain'
  if (enc === 'tls') return 'starttls'
  if (enc === 'ssl') return 'tls'
  // "SSL on" does not say which; standard plain ports mean STARTTLS.
  return securityForPort(port) === 'starttls' ? 'starttls' : 'tls'
}

/** Reads a POX Autodiscover response once parsed (autodiscover-xml.ts parses its text). */
export function readAutodiscover(tree: XmlElement, addr: Addr): AutodiscoverAnswer {
  const root = kid(tree, 'Autodiscover')
  const response = kid(root, 'Response')
  if (!response) return { kind: 'error', detail: 'no Autodiscover/Response element' }
  const err = kid(response, 'Error')
  if (err)
    return {
      kind: 'error',
      detail: `Autodiscover error ${childText(err, 'ErrorCode') ?? ''} ${childText(err, 'Message') ?? ''}`.trim()
    }
  const account = kid(response, 'Account')
  const action = childText(account, 'Action')?.toLowerCase()
  if (action === 'redirectaddr') {
    const to = childText(account, 'RedirectAddr')
    return to ? { kind: 'redirectAddr', address: to } : { kind: 'error', detail: 'redirectAddr without an address' }
  }
  if (action === 'redirecturl') {
    const to = childText(account, 'RedirectUrl')
    return to ? { kind: 'redirectUrl', url: to } : { kind: 'error', detail: 'redirectUrl without a URL' }
  }
  const incoming: ServerSettings[] = []
  const outgoing: ServerSettings[] = []
  for (const p of kids(account, 'Protocol')) {
    const type = childText(p, 'Type')?.toUpperCase()
    const protocol = type === 'IMAP' ? 'imap' : type === 'POP3' ? 'pop3' : type === 'SMTP' ? 'smtp' : undefined
    const host = childText(p, 'Server')?.toLowerCase()
    const port = Number(childText(p, 'Port'))
    if (!protocol || !host || !/^[a-z0-9.-]+$/.test(host) || !(port > 0 && port < 65536)) continue
    const authRequired = on(childText(p, 'AuthRequired'), true)
    // SPA (on by default) is Secure Password Authentication: NTLM, with a cleartext fallback.
    const auth: AuthMethod[] =
      protocol === 'smtp' && !authRequired
        ? ['none']
        : on(childText(p, 'SPA'), true)
          ? ['ntlm', 'password-cleartext']
          : ['password-cleartext']
    const entry: ServerSettings = {
      protocol,
      host,
      port,
      security: security(port, childText(p, 'SSL'), childText(p, 'Encryption')),
      username: childText(p, 'LoginName') ?? addr.address,
      auth,
      ...(protocol === 'pop3' ? { pop3: { leaveOnServer: true } } : {})
    }
    ;(protocol === 'smtp' ? outgoing : incoming).push(entry)
  }
  return { kind: 'settings', incoming: incoming.slice(0, 32), outgoing: outgoing.slice(0, 32) }
}

type Attempt =
  | { ok: true; answer: AutodiscoverAnswer; url: string }
  | { ok: false; reason: SourceReason; detail: string; state: 'nothing' | 'failed' }

const NOTHING = new Set<SourceReason>(['nxdomain', 'http-404', 'connect', 'no-srv', 'http-401'])
const miss = (reason: SourceReason, detail: string): Attempt => ({
  ok: false,
  reason,
  detail,
  state: NOTHING.has(reason) ? 'nothing' : 'failed'
})

interface Run {
  ctx: SourceContext
  /** The address's own domain: the only place the password may go. */
  home: string
}

async function post(run: Run, url: string, address: string): Promise<Attempt> {
  const { ctx, home } = run
  let host: string
  try {
    const u = new URL(url)
    if (u.protocol !== 'https:') return miss('redirect-to-http', `${url}: Autodiscover only over HTTPS`)
    host = u.hostname
  } catch {
    return miss('bad-url', `${url}: not a URL`)
  }
  const headers: Record<string, string> = {
    'content-type': 'text/xml; charset=utf-8',
    accept: 'text/xml, application/xml'
  }
  const send = (authorization?: string): ReturnType<typeof httpRequest> =>
    httpRequest({
      url,
      method: 'POST',
      headers: authorization ? { ...headers, authorization } : headers,
      body: autodiscoverBody(address),
      lookup: ctx.dns.lookupFn,
      ca: ctx.ca,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      maxBytes: MAX_CONFIG_BYTES,
      // A redirected POST would need a fresh decision about the password: not followed.
      maxRedirects: 0,
      domain: home
    })
  try {
    let res = await send()
    // The password goes only where it was asked for: an HTTPS 401 from a host within the domain.
    if (res.status === 401 && ctx.password && inDomain(host, home)) {
      res = await send(`Basic ${Buffer.from(`${ctx.addr.address}:${ctx.password}`, 'utf8').toString('base64')}`)
    }
    if (res.status !== 200) return miss(statusReason(res.status), `${url}: HTTP ${res.status}`)
    if (!XML_TYPES.has(res.contentType))
      return miss('bad-content-type', `${url}: content type '${res.contentType || 'none'}'`)
    // The XML parser loads with the first answer to parse, not with every discovery.
    return { ok: true, answer: (await import('./autodiscover-xml')).parseAutodiscover(res.body, ctx.addr), url }
  } catch (err) {
    if (err instanceof HttpError || err instanceof XmlError) return miss(err.reason, `${url}: ${err.message}`)
    return miss('internal', `${url}: ${(err as Error).message}`.slice(0, 300))
  }
}

/** GET over plain HTTP, only to learn where the HTTPS endpoint is (no credentials, no body). */
async function viaHttpRedirect(run: Run, domain: string, address: string): Promise<Attempt> {
  const url = `http://autodiscover.${domain}${PATH}`
  try {
    const res = await httpRequest({
      url,
      lookup: run.ctx.dns.lookupFn,
      signal: run.ctx.signal,
      timeoutMs: run.ctx.timeoutMs,
      maxRedirects: 0,
      maxBytes: 64 * 1024
    })
    const location = res.headers.location
    if (res.status < 300 || res.status > 399 || typeof location !== 'string')
      return miss(statusReason(res.status), `${url}: HTTP ${res.status}, no redirect`)
    const next = new URL(location, url)
    if (next.protocol !== 'https:') return miss('redirect-to-http', `${url}: redirect to ${next.href}`)
    return post(run, next.href, address)
  } catch (err) {
    if (err instanceof HttpError) return miss(err.reason, `${url}: ${err.message}`)
    return miss('bad-redirect', `${url}: ${(err as Error).message}`.slice(0, 300))
  }
}

async function viaSrv(run: Run, domain: string, address: string): Promise<Attempt> {
  let records: Array<{ name: string; port: number; priority: number; weight: number }>
  try {
    records = await run.ctx.dns.resolveSrv(`_autodiscover._tcp.${domain}`, run.ctx.signal)
  } catch {
    return miss('no-srv', `no _autodiscover._tcp.${domain}`)
  }
  const best = records
    .filter((r) => r.name && r.name !== '.')
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0]
  if (!best) return miss('no-srv', `no _autodiscover._tcp.${domain}`)
  const port = best.port === 443 ? '' : `:${best.port}`
  return post(run, `https://${best.name.replace(/\.$/, '')}${port}${PATH}`, address)
}

/** The four attempts at once; resolves with the first success in Microsoft's order. */
async function firstInOrder(attempts: Array<Promise<Attempt>>): Promise<Attempt[]> {
  const settled: Array<Attempt | undefined> = attempts.map(() => undefined)
  return new Promise((resolve) => {
    // A success is taken once every attempt before it has failed; all failed, all are returned.
    const check = (): void => {
      for (const a of settled) {
        if (!a) return
        if (a.ok) return resolve(settled.filter((x): x is Attempt => !!x))
      }
      resolve(settled as Attempt[])
    }
    attempts.forEach((p, i) =>
      p.then((a) => {
        settled[i] = a
        check()
      })
    )
  })
}

function draftOf(answer: Extract<AutodiscoverAnswer, { kind: 'settings' }>, url: string, home: string): Draft {
  // Every answer came over HTTPS (certificate checked); what matters is whose host it was.
  const trust: Draft['trust'] = !inDomain(new URL(url).hostname, home)
    ? { level: 'confirm', reason: 'redirect-other-domain', subject: url }
    : { level: 'trusted', reason: 'https-in-domain', subject: url }
  return { source: 'autodiscover', trust, incoming: answer.incoming, outgoing: answer.outgoing }
}

export const autodiscoverSource: Source = {
  id: 'autodiscover',
  network: true,
  timeoutMs: 5000,
  async run(ctx): Promise<SourceOutcome> {
    const run: Run = { ctx, home: ctx.addr.asciiDomain }
    let address = ctx.addr.address
    let domain = ctx.addr.asciiDomain
    let pending: Attempt[] = await firstInOrder([
      post(run, `https://${domain}${PATH}`, address),
      post(run, `https://autodiscover.${domain}${PATH}`, address),
      viaHttpRedirect(run, domain, address),
      viaSrv(run, domain, address)
    ])
    for (let hops = 0; ; hops++) {
      const hit = pending.find((a): a is Extract<Attempt, { ok: true }> => a.ok)
      if (!hit) {
        const misses = pending.filter((a): a is Extract<Attempt, { ok: false }> => !a.ok)
        // A sign-in request comes first: it is the one answer the user can act on (give the password).
        const worst =
          misses.find((m) => m.reason === 'http-401') ??
          misses.find((m) => m.state === 'failed') ??
          misses.find((m) => m.reason !== 'nxdomain' && m.reason !== 'no-srv') ??
          misses[0]
        const detail = misses
          .map((m) => m.detail)
          .join('; ')
          .slice(0, 2000)
        return worst ? { state: worst.state, reason: worst.reason, detail } : nothing('no-answer')
      }
      const answer = hit.answer
      if (answer.kind === 'error') return failed('autodiscover-error', `${hit.url}: ${answer.detail}`.slice(0, 2000))
      if (answer.kind === 'settings') {
        if (!answer.incoming.length && !answer.outgoing.length)
          return nothing('no-servers', `${hit.url}: no IMAP, POP3 or SMTP (Exchange protocols only)`)
        return found([draftOf(answer, hit.url, run.home)], hit.url)
      }
      if (hops >= MAX_REDIRECTS)
        return failed('too-many-redirects', `${hit.url}: more than ${MAX_REDIRECTS} Autodiscover redirects`)
      if (answer.kind === 'redirectUrl') {
        pending = [await post(run, answer.url, address)]
        continue
      }
      const next = parseAddress(answer.address)
      if (!next.ok) return failed('bad-redirect', `${hit.url}: redirectAddr is not an address`)
      if (next.address === address) return failed('redirect-loop', `${hit.url}: redirectAddr to the same address`)
      address = next.address
      domain = next.asciiDomain
      pending = await firstInOrder([
        post(run, `https://${domain}${PATH}`, address),
        post(run, `https://autodiscover.${domain}${PATH}`, address)
      ])
    }
  }
}
