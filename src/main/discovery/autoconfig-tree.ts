// Reader for Mozilla autoconfig files (config-v1.1.xml) once parsed into a tree: what the file
// says, for one address. Accepts what real files contain: unknown server types are skipped,
// repeated <authentication> keep their order, a %EMAILADDRESS without its closing % is
// tolerated, and <oAuth2> is kept. Without the XML parser (autoconfig.ts parses text), so that
// reading a tree the build made (built-xml.ts) does not load it.
import { parseAddress, toAsciiDomain } from '../../shared/address'
import {
  AuthMethod,
  OAuth2Settings,
  ServerSettings,
  type ExtraServices,
  type Protocol,
  type Security
} from '../../shared/domain'
import { attrOf, childText, kid, kids, type XmlElement } from '../xml-tree'
import type { Trust } from '../../shared/domain'
import type { Addr, Draft } from './types'
import { defaultPort, securityForPort } from '../../shared/ports'

export interface AutoconfigFile {
  /** The clientConfig version attribute ("1.1", "1.2"); newer files are read the same way. */
  version?: string
  providerId?: string
  displayName?: string
  displayShortName?: string
  domains: string[]
  /** Autoconfig 1.2 `<domain purpose="mx">`: the file applies to addresses whose MX lies in these. */
  mxDomains: string[]
  /** IMAP/POP3 entries, placeholders expanded, in the file's order. */
  incoming: ServerSettings[]
  outgoing: ServerSettings[]
  oauth2?: OAuth2Settings
  documentationUrl?: string
  /** JMAP incoming server, root-level CalDAV and CardDAV entries (https URLs). */
  services: ExtraServices
  /** Server entries left out, e.g. 'incoming:ews' or 'outgoing:smtp:bad-host'. */
  skipped: string[]
}

export class AutoconfigError extends Error {
  readonly reason = 'not-autoconfig'
  constructor(detail: string) {
    super(detail)
    this.name = 'AutoconfigError'
  }
}

const AUTH: Record<string, AuthMethod> = {
  'password-cleartext': 'password-cleartext',
  plain: 'password-cleartext',
  'password-encrypted': 'password-encrypted',
  secure: 'password-encrypted',
  ntlm: 'ntlm',
  gssapi: 'gssapi',
  oauth2: 'oauth2',
  none: 'none',
  'client-ip-address': 'client-ip',
  // SMTP after POP sends no AUTH command at all.
  'smtp-after-pop': 'none',
  oauth: 'oauth2'
}

/** Autoconfig 1.2 `<authentication system="sasl">`: SASL mechanism names (RFC 4422). */
const SASL_AUTH: Record<string, AuthMethod> = {
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-256-PLUS': 'scram-sha-256-plus',
  PLAIN: 'password-cleartext',
  LOGIN: 'password-cleartext',
  'CRAM-MD5': 'password-encrypted',
  XOAUTH2: 'oauth2',
  OAUTHBEARER: 'oauth2',
  GSSAPI: 'gssapi',
  NTLM: 'ntlm'
}

/** One <authentication> element; undefined for what this app cannot use (must-ignore). */
function authOf(el: XmlElement): AuthMethod | undefined {
  const text = (el['#text'] as string | undefined)?.trim() ?? ''
  const system = attrOf(el, 'system')?.toLowerCase()
  if (system === 'sasl') return SASL_AUTH[text.toUpperCase()]
  // "http" names HTTP schemes (JMAP, DAV); any other system is a later version's.
  if (system) return undefined
  return AUTH[text.toLowerCase()]
}

const SOCKET: Record<string, Security> = { ssl: 'tls', tls: 'tls', starttls: 'starttls', plain: 'plain' }

/** Expands autoconfig placeholders; tolerates a missing closing '%'. */
export function expandPlaceholders(value: string, addr: Addr, forHost = false): string {
  return value.replace(/%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%?/g, (_m, name: string) => {
    if (name === 'EMAILADDRESS') return addr.address
    if (name === 'EMAILLOCALPART') return addr.local
    return forHost ? addr.asciiDomain : addr.domain
  })
}

function readServer(el: XmlElement, protocol: Protocol, addr: Addr): ServerSettings | string {
  const rawHost = childText(el, 'hostname')
  if (!rawHost) return 'no-host'
  const host = toAsciiDomain(expandPlaceholders(rawHost, addr, true))
  if (!host) return 'bad-host'
  const socket = childText(el, 'socketType')?.toLowerCase()
  const portText = childText(el, 'port')
  const port = portText ? Number(portText) : undefined
  // No socketType: TLS only where the port implies it; otherwise nothing says it is encrypted.
  const security: Security | undefined = socket
    ? SOCKET[socket]
    : port !== undefined && securityForPort(port) === 'tls'
      ? 'tls'
      : 'plain'
  if (!security) return 'bad-socket'
  const auth: AuthMethod[] = []
  for (const a of kids(el, 'authentication')) {
    const m = authOf(a)
    if (m && !auth.includes(m)) auth.push(m)
  }
  const username = expandPlaceholders(childText(el, 'username') ?? '%EMAILADDRESS%', addr)
  const entry: Record<string, unknown> = {
    protocol,
    host,
    port: port ?? defaultPort(protocol, security),
    security,
    username,
    auth: auth.length ? auth : ['password-cleartext']
  }
  if (protocol === 'pop3') {
    const pop = kid(el, 'pop3')
    const leave = childText(pop, 'leaveMessagesOnServer')
    const days = Number(childText(pop, 'daysToLeaveMessagesOnServer'))
    // Keeping mail on the server is the safe default when the file does not say.
    entry.pop3 = {
      leaveOnServer: leave ? leave.toLowerCase() === 'true' : true,
      ...(days > 0 ? { daysToLeave: days } : {})
    }
  }
  // jitless: a file holds a few servers, fewer than it takes zod's compiled parser to pay off.
  const parsed = ServerSettings.safeParse(entry, { jitless: true })
  return parsed.success ? parsed.data : 'invalid'
}

/** The https URL of a JMAP, CalDAV or CardDAV entry (1.1 files used serverURL). */
function serviceUrl(el: XmlElement, addr: Addr): string | undefined {
  const raw = childText(el, 'url') ?? childText(el, 'serverURL')
  if (!raw || raw.length > 2048) return undefined
  try {
    const u = new URL(expandPlaceholders(raw, addr, true))
    return u.protocol === 'https:' && !u.username && !u.password ? u.href : undefined
  } catch {
    return undefined
  }
}

function readOAuth2(el: XmlElement | undefined): OAuth2Settings | undefined {
  if (!el) return undefined
  const issuer = childText(el, 'issuer')
  const scope = childText(el, 'scope')
  if (!issuer || !scope) return undefined
  const full = OAuth2Settings.safeParse(
    { issuer, scope, authURL: childText(el, 'authURL'), tokenURL: childText(el, 'tokenURL') },
    { jitless: true }
  )
  return full.success ? full.data : { issuer, scope }
}

function toAddr(address: string | Addr): Addr {
  if (typeof address !== 'string') return address
  const p = parseAddress(address)
  if (!p.ok) throw new AutoconfigError(`invalid address: ${p.problem}`)
  return p
}

/** What one parsed config-v1.1.xml document (its tree) says for `address`; throws AutoconfigError. */
export function readAutoconfig(tree: XmlElement, address: string | Addr): AutoconfigFile {
  const addr = toAddr(address)
  const root = kid(tree, 'clientConfig')
  const provider = kid(root, 'emailProvider')
  if (!root || !provider) throw new AutoconfigError('no clientConfig/emailProvider element')
  const named = (n: string): string | undefined => {
    const t = childText(provider, n)
    return t === undefined ? undefined : expandPlaceholders(t, addr)
  }
  const domains = kids(provider, 'domain')
    .map((d) => ({
      purpose: attrOf(d, 'purpose')?.toLowerCase(),
      name: String(d['#text'] ?? '')
        .trim()
        .toLowerCase()
    }))
    .filter((d) => d.name)
  const out: AutoconfigFile = {
    version: attrOf(root, 'version'),
    providerId: attrOf(provider, 'id'),
    displayName: named('displayName'),
    displayShortName: named('displayShortName'),
    // A purpose this version does not know makes the entry mean something else: left out.
    domains: domains.filter((d) => !d.purpose).map((d) => d.name),
    mxDomains: domains.filter((d) => d.purpose === 'mx').map((d) => d.name),
    incoming: [],
    outgoing: [],
    services: {},
    skipped: []
  }
  for (const el of kids(provider, 'incomingServer')) {
    const type = attrOf(el, 'type')?.toLowerCase() ?? ''
    if (type === 'jmap') {
      out.services.jmap ??= serviceUrl(el, addr)
      continue
    }
    if (type !== 'imap' && type !== 'pop3') {
      out.skipped.push(`incoming:${type || 'none'}`)
      continue
    }
    const s = readServer(el, type, addr)
    if (typeof s === 'string') out.skipped.push(`incoming:${type}:${s}`)
    else out.incoming.push(s)
  }
  for (const el of kids(provider, 'outgoingServer')) {
    const type = attrOf(el, 'type')?.toLowerCase() ?? ''
    if (type !== 'smtp') {
      out.skipped.push(`outgoing:${type || 'none'}`)
      continue
    }
    const s = readServer(el, 'smtp', addr)
    if (typeof s === 'string') out.skipped.push(`outgoing:smtp:${s}`)
    else out.outgoing.push(s)
  }
  // Root-level entries (1.2 spells it addressbook; files in the wild addressBook).
  for (const [tag, type, key] of [
    ['calendar', 'caldav', 'caldav'],
    ['addressbook', 'carddav', 'carddav'],
    ['addressBook', 'carddav', 'carddav']
  ] as const) {
    for (const el of kids(root, tag))
      if (attrOf(el, 'type')?.toLowerCase() === type) out.services[key] ??= serviceUrl(el, addr)
  }
  out.oauth2 = readOAuth2(kid(root, 'oAuth2') ?? kid(provider, 'oAuth2'))
  const doc = attrOf(kid(provider, 'documentation'), 'url')
  if (doc && doc.length <= 2048) out.documentationUrl = expandPlaceholders(doc, addr, true)
  return out
}

/** A parsed file as a candidate draft. */
export function fileDraft(file: AutoconfigFile, source: Draft['source'], trust: Trust): Draft {
  return {
    source,
    trust,
    providerId: file.providerId?.slice(0, 200),
    providerName: (file.displayName ?? file.displayShortName)?.slice(0, 200),
    incoming: file.incoming.slice(0, 32),
    outgoing: file.outgoing.slice(0, 32),
    oauth2: file.oauth2,
    documentationUrl: file.documentationUrl,
    services: Object.keys(file.services).length ? file.services : undefined
  }
}
