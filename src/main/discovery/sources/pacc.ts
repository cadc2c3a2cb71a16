// PACC (draft-ietf-mailmaint-pacc): https://ua-auto-config.<domain>/.well-known/
// user-agent-configuration.json, accepted only when a TXT record at _ua-auto-config.<domain>
// carries `v=UAAC1; a=sha256; d=<base64 SHA-256 of the exact body>`. The digest ties the file
// to the domain's own DNS, so a matching file is trusted; a file without one is refused with
// its reason and never becomes a candidate. The document and the TXT records are asked at once.
import { createHash, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { lazySchema } from '../../../shared/lazy-schema'
import { toAsciiDomain } from '../../../shared/address'
import {
  ServerSettings,
  type AuthMethod,
  type ExtraServices,
  type OAuth2Settings,
  type Protocol
} from '../../../shared/domain'
import { isNotFound } from '../../net/dns'
import { HttpError, statusReason } from '../../net/http'
import { resourceIssuer } from '../../oauth/metadata'
import { sourceGet } from '../fetch'
import { failed, found, nothing, type Draft, type Source, type SourceContext, type SourceOutcome } from '../types'
import type { SourceReason } from '../../../shared/source-reason'
import { defaultPort } from '../../../shared/ports'

export const MAX_PACC_BYTES = 64 * 1024

export const paccUrl = (domain: string): string =>
  `https://ua-auto-config.${domain}/.well-known/user-agent-configuration.json`
export const paccTxtName = (domain: string): string => `_ua-auto-config.${domain}`

/** One TXT record as tags; undefined unless it is a UAAC1 sha256 record with a digest. */
export function parseUaacRecord(text: string): { digest: Buffer } | undefined {
  const tags = new Map<string, string>()
  for (const part of text.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim().toLowerCase()
    // The first occurrence wins; unknown tags are ignored.
    if (name && !tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''))
  }
  if (tags.get('v')?.toUpperCase() !== 'UAAC1' || tags.get('a')?.toLowerCase() !== 'sha256') return undefined
  const d = tags.get('d') ?? ''
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(d)) return undefined
  const digest = Buffer.from(d, 'base64')
  return digest.length === 32 ? { digest } : undefined
}

export type DigestCheck = 'match' | 'mismatch' | 'no-record'

/** Whether any of the TXT records (each as its character-strings) vouches for `body`. */
export function checkDigest(body: Buffer, records: string[][]): DigestCheck {
  const actual = createHash('sha256').update(body).digest()
  let any = false
  for (const strings of records) {
    const rec = parseUaacRecord(strings.join(''))
    if (!rec) continue
    any = true
    if (timingSafeEqual(rec.digest, actual)) return 'match'
  }
  return any ? 'mismatch' : 'no-record'
}

// The document, read leniently: unknown members are ignored (must-ignore), wrong types drop
// only the entry they are in.
const hostEntry = lazySchema(() =>
  z.object({ host: z.string().max(253), port: z.number().int().min(1).max(65535).optional() })
)
const urlEntry = lazySchema(() => z.object({ url: z.string().max(2048) }))
const loose = <T extends z.ZodType>(t: T) => t.optional().catch(undefined)
const PaccDocument = lazySchema(() =>
  z.object({
    protocols: z
      .object({
        imap: loose(hostEntry),
        pop3: loose(hostEntry),
        submit: loose(hostEntry),
        smtp: loose(hostEntry),
        jmap: loose(urlEntry),
        caldav: loose(urlEntry),
        carddav: loose(urlEntry)
      })
      .catch({}),
    authentication: z
      .object({
        'oauth-public': loose(z.object({ issuer: z.string().max(2048) })),
        password: loose(z.union([z.boolean(), z.object({})]))
      })
      .catch({}),
    info: z
      .object({
        provider: loose(
          z.object({
            name: loose(z.string().max(200)),
            shortName: loose(z.string().max(200)),
            logo: loose(z.array(z.object({ url: z.string().max(2048) }).catch({ url: '' })).max(20))
          })
        ),
        help: loose(z.object({ documentation: loose(z.string().max(2048)) }))
      })
      .optional()
      .catch(undefined)
  })
)
export type PaccDocument = z.infer<typeof PaccDocument>

const https = (u: string | undefined): string | undefined => {
  if (!u) return undefined
  try {
    const url = new URL(u)
    return url.protocol === 'https:' && !url.username && !url.password ? url.href : undefined
  } catch {
    return undefined
  }
}

/** The parsed document as one candidate draft for `address` (PACC usernames are the address). */
export function paccDraft(doc: PaccDocument, address: string, subject: string): Draft {
  const auth = doc.authentication
  const methods: AuthMethod[] = []
  const issuer = auth['oauth-public']?.issuer
  const oauth2: OAuth2Settings | undefined = issuer ? { issuer, scope: '' } : undefined
  if (oauth2) methods.push('oauth2')
  if (auth.password !== undefined && auth.password !== false) methods.push('password-cleartext')
  if (!methods.length) methods.push('password-cleartext')
  const server = (protocol: Protocol, e: z.infer<typeof hostEntry> | undefined): ServerSettings[] => {
    const host = e ? toAsciiDomain(e.host) : undefined
    if (!host) return []
    // PACC mandates direct TLS on every server.
    const s = ServerSettings.safeParse({
      protocol,
      host,
      port: e!.port ?? defaultPort(protocol, 'tls'),
      security: 'tls',
      username: address,
      auth: methods
    })
    return s.success ? [s.data] : []
  }
  const p = doc.protocols
  const services: ExtraServices = {}
  for (const k of ['jmap', 'caldav', 'carddav'] as const) {
    const u = https(p[k]?.url)
    if (u) services[k] = u
  }
  const provider = doc.info?.provider
  return {
    source: 'pacc',
    trust: { level: 'trusted', reason: 'pacc-digest', subject },
    providerName: provider?.name ?? provider?.shortName,
    incoming: [...server('imap', p.imap), ...server('pop3', p.pop3)],
    outgoing: server('smtp', p.submit ?? p.smtp),
    oauth2,
    documentationUrl: https(doc.info?.help?.documentation),
    logoUrl: provider?.logo?.map((l) => https(l.url)).find(Boolean),
    services: Object.keys(services).length ? services : undefined
  }
}

async function txtRecords(ctx: SourceContext, name: string): Promise<string[][] | { error: string }> {
  try {
    return await ctx.dns.resolveTxt(name, ctx.signal)
  } catch (err) {
    return isNotFound(err) ? [] : { error: (err as NodeJS.ErrnoException).code ?? 'dns-error' }
  }
}

async function fetchDocument(
  ctx: SourceContext,
  url: string
): Promise<{ body: Buffer; url: string } | { reason: SourceReason; detail: string }> {
  try {
    const res = await sourceGet(ctx, url, { accept: 'application/json', maxBytes: MAX_PACC_BYTES, maxRedirects: 0 })
    if (res.status !== 200) return { reason: statusReason(res.status), detail: `${url}: HTTP ${res.status}` }
    return { body: res.body, url: res.url }
  } catch (err) {
    if (err instanceof HttpError) return { reason: err.reason, detail: `${url}: ${err.message}` }
    return { reason: 'internal', detail: `${url}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500) }
  }
}

export async function runPacc(ctx: SourceContext, domain: string): Promise<SourceOutcome> {
  const url = paccUrl(domain)
  const [doc, txt] = await Promise.all([fetchDocument(ctx, url), txtRecords(ctx, paccTxtName(domain))])
  if ('reason' in doc) {
    // No document: not published (the usual case), unless the domain promised one in DNS.
    const promised = Array.isArray(txt) && txt.some((r) => parseUaacRecord(r.join('')))
    if (!promised && (doc.reason === 'nxdomain' || doc.reason === 'http-404')) return nothing(doc.reason, doc.detail)
    return failed(doc.reason, doc.detail)
  }
  if (!Array.isArray(txt)) return failed('dns-error', `${paccTxtName(domain)}: ${txt.error}`)
  const check = checkDigest(doc.body, txt)
  if (check === 'no-record')
    return failed(
      'pacc-no-digest',
      `${url}: no "v=UAAC1; a=sha256" TXT record at ${paccTxtName(domain)}; the file is not used`
    )
  if (check === 'mismatch')
    return failed(
      'pacc-digest-mismatch',
      `${url}: its SHA-256 differs from every digest published at ${paccTxtName(domain)}; the file is not used`
    )
  let json: unknown
  try {
    json = JSON.parse(doc.body.toString('utf8'))
  } catch {
    return failed('pacc-bad-json', `${url}: not JSON`)
  }
  const parsed = PaccDocument.safeParse(json)
  if (!parsed.success) return failed('pacc-bad-json', `${url}: not a PACC document`)
  let draft = paccDraft(parsed.data, ctx.addr.address, url)
  if (!draft.oauth2 && draft.services?.jmap) draft = await withResourceIssuer(ctx, draft, draft.services.jmap)
  return found([draft], url)
}

/** No oauth-public issuer named: the JMAP resource's RFC 9728 metadata may name one. */
async function withResourceIssuer(ctx: SourceContext, draft: Draft, resource: string): Promise<Draft> {
  const issuer = await resourceIssuer(resource, {
    dns: ctx.dns,
    ca: ctx.ca,
    signal: ctx.signal,
    timeoutMs: Math.min(3000, ctx.timeoutMs)
  })
  if (!issuer) return draft
  const withOAuth = (s: ServerSettings): ServerSettings => ({
    ...s,
    auth: ['oauth2', ...s.auth.filter((m) => m !== 'oauth2')]
  })
  return {
    ...draft,
    oauth2: { issuer, scope: '' },
    incoming: draft.incoming.map(withOAuth),
    outgoing: draft.outgoing.map(withOAuth)
  }
}

export const paccSource: Source = {
  id: 'pacc',
  network: true,
  timeoutMs: 5000,
  run: (ctx) => runPacc(ctx, ctx.addr.asciiDomain)
}
