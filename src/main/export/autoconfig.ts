// Thunderbird autoconfig (config-v1.1.xml): read by Thunderbird, Evolution and KMail, and
// servable by an admin at autoconfig.<domain>. Usernames equal to the address or its local
// part become placeholders so the same file serves every user of the domain.
import type { Account } from '../../shared/account'
import type { AuthMethod, ServerSettings } from '../../shared/domain'
import { asciiDomain, domainOf, xmlEscape as x, type Exporter } from './common'

const AUTH: Record<AuthMethod, string> = {
  'password-cleartext': 'password-cleartext',
  'password-encrypted': 'password-encrypted',
  oauth2: 'OAuth2',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI',
  'client-ip': 'client-IP-address',
  none: 'none',
  // Autoconfig 1.2 names SASL mechanisms with system="sasl" (see line()).
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-256-plus': 'SCRAM-SHA-256-PLUS'
}
const SASL = new Set(['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'])
const line = (m: string): string => `      <authentication${SASL.has(m) ? ' system="sasl"' : ''}>${m}</authentication>`
const SOCKET = { tls: 'SSL', starttls: 'STARTTLS', plain: 'plain' } as const

function username(account: Account, server: ServerSettings): string {
  const user = server.username
  const address = account.address
  if (user.toLowerCase() === address.toLowerCase()) return '%EMAILADDRESS%'
  if (user === address.slice(0, address.lastIndexOf('@'))) return '%EMAILLOCALPART%'
  return user
}

function methods(account: Account, server: ServerSettings): string[] {
  return autoconfigMethods(
    account.authKind === 'oauth2' ? ['oauth2', ...server.auth.filter((m) => m !== 'oauth2')] : server.auth
  )
}

/** One server entry; `user` is the username as written (a placeholder or a fixed name). */
export interface AutoconfigServer {
  settings: ServerSettings
  user: string
  methods: string[]
}

function server(e: AutoconfigServer): string[] {
  const s = e.settings
  const tag = s.protocol === 'smtp' ? 'outgoingServer' : 'incomingServer'
  const lines = [
    `    <${tag} type="${s.protocol}">`,
    `      <hostname>${x(s.host)}</hostname>`,
    `      <port>${s.port}</port>`,
    `      <socketType>${SOCKET[s.security]}</socketType>`,
    `      <username>${x(e.user)}</username>`,
    ...e.methods.map(line)
  ]
  if (s.protocol === 'pop3' && s.pop3) {
    lines.push('      <pop3>', `        <leaveMessagesOnServer>${s.pop3.leaveOnServer}</leaveMessagesOnServer>`)
    if (s.pop3.daysToLeave !== undefined)
      lines.push(`        <daysToLeaveMessagesOnServer>${s.pop3.daysToLeave}</daysToLeaveMessagesOnServer>`)
    lines.push('      </pop3>')
  }
  lines.push(`    </${tag}>`)
  return lines
}

/** The autoconfig method names for a list of our methods, each once. */
export function autoconfigMethods(list: AuthMethod[]): string[] {
  return [...new Set(list.map((m) => AUTH[m]))]
}

/**
 * A whole config-v1.1 document for `domain` (ASCII form): the export writes one for an
 * account, the domain check (domain/publish.ts) one for every server an admin confirms.
 */
export function autoconfigDocument(domain: string, name: string, servers: AutoconfigServer[]): string[] {
  const incoming = servers.filter((e) => e.settings.protocol !== 'smtp')
  const outgoing = servers.filter((e) => e.settings.protocol === 'smtp')
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${x(domain)}">`,
    `    <domain>${x(domain)}</domain>`,
    `    <displayName>${x(name)}</displayName>`,
    `    <displayShortName>${x(name)}</displayShortName>`,
    ...[...incoming, ...outgoing].flatMap(server),
    '  </emailProvider>'
  ]
}

export const autoconfig: Exporter = {
  info: {
    id: 'thunderbird-autoconfig',
    name: 'Thunderbird autoconfig (config-v1.1.xml)',
    clients: ['Thunderbird', 'Evolution', 'KMail', 'Betterbird'],
    fileName: 'config-v1.1.xml',
    mimeType: 'application/xml',
    supports: { imap: true, pop3: true, oauth2: true }
  },
  render(account) {
    const domain = asciiDomain(domainOf(account.address))
    const name = account.providerName ?? domain
    const entry = (s: ServerSettings): AutoconfigServer => ({
      settings: s,
      user: username(account, s),
      methods: methods(account, s)
    })
    const lines = autoconfigDocument(domain, name, [entry(account.incoming), entry(account.outgoing)])
    if (account.authKind === 'oauth2' && account.oauth2) {
      const o = account.oauth2
      lines.push('  <oAuth2>', `    <issuer>${x(o.issuer)}</issuer>`, `    <scope>${x(o.scope)}</scope>`)
      if (o.authURL) lines.push(`    <authURL>${x(o.authURL)}</authURL>`)
      if (o.tokenURL) lines.push(`    <tokenURL>${x(o.tokenURL)}</tokenURL>`)
      lines.push('  </oAuth2>')
    }
    // Root-level CalDAV and CardDAV entries (autoconfig 1.2), with the address as username.
    for (const [tag, type] of [
      ['calendar', 'caldav'],
      ['addressbook', 'carddav']
    ] as const) {
      const url = account.services?.[type]
      if (url)
        lines.push(
          `  <${tag} type="${type}">`,
          `    <url>${x(url)}</url>`,
          '    <authentication system="http">Basic</authentication>',
          '    <username>%EMAILADDRESS%</username>',
          `  </${tag}>`
        )
    }
    lines.push('</clientConfig>', '')
    return { content: lines.join('\n') }
  }
}
