// Parsing of the CLI's manual server settings: imaps://host:993, imap://host:143 (STARTTLS),
// pop3s://, pop3://, smtps://host:465, smtp://host:587 (STARTTLS); `?security=plain|tls|starttls`
// overrides, `user@` sets the username (URL-encoded).
import type { Protocol, Security, ServerSettings } from '../../shared/domain'
import { toAsciiDomain } from '../../shared/address'
import { quoteArg } from '../../shared/escape'
import { DnsServerError, parseDnsServers } from '../net/dns-servers'
import { PORT_RULES } from '../../shared/ports'

// imaps://, imap://, … from the port rules; RFC 8314's submissions:// and submission:// too.
const SCHEMES: Record<string, { protocol: Protocol; security: Security; port: number }> = Object.fromEntries(
  PORT_RULES.flatMap((r) => [[r.scheme, r], ...(r.protocol === 'smtp' ? [[r.srv.replace(/^_|\._tcp$/g, ''), r]] : [])])
)

export class UsageError extends Error {}

export function parseServerUrl(value: string, defaultUser: string, role: 'incoming' | 'outgoing'): ServerSettings {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--${role} must look like imaps://host:993 or smtp://host:587, not ${quoteArg(value)}`)
  }
  const scheme = SCHEMES[url.protocol.replace(/:$/, '')]
  if (!scheme)
    throw new UsageError(`unknown scheme in ${quoteArg(value)} (use imaps, imap, pop3s, pop3, smtps or smtp)`)
  if ((role === 'incoming') !== (scheme.protocol !== 'smtp')) {
    throw new UsageError(`--${role} cannot be ${scheme.protocol.toUpperCase()}`)
  }
  const security = url.searchParams.get('security') ?? scheme.security
  if (!['tls', 'starttls', 'plain'].includes(security)) throw new UsageError(`unknown security ${quoteArg(security)}`)
  const host = toAsciiDomain(url.hostname) ?? url.hostname
  return {
    protocol: scheme.protocol,
    host,
    port: url.port ? Number(url.port) : scheme.port,
    security: security as Security,
    username: url.username ? decodeURIComponent(url.username) : defaultUser,
    // No user name in the URL: the sign-in may try the address's local part too.
    ...(url.username ? {} : { usernameGuessed: true }),
    auth: ['password-cleartext']
  }
}

/** `host:port=SHA256FINGERPRINT` for --trust-cert. */
export function parseTrust(value: string): { host: string; port: number; fingerprint256: string } {
  const m = /^([^:=\s]+):(\d+)=([0-9A-Fa-f:]{64,95})$/.exec(value)
  if (!m) throw new UsageError(`--trust-cert must be host:port=SHA256-fingerprint, not ${quoteArg(value)}`)
  return { host: m[1]!, port: Number(m[2]), fingerprint256: m[3]!.toUpperCase() }
}

export function parseHostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^([^:\s]+):(\d+)$/.exec(value)
  if (!m) throw new UsageError(`${flag} must be host:port, not ${quoteArg(value)}`)
  return { host: m[1]!, port: Number(m[2]) }
}

/** `--dns` (or MAIL_SETUP_DNS): strictly an IP literal with an optional port 1–65535. */
export function parseDnsFlag(values: string[], flag: string): string[] {
  try {
    return parseDnsServers(values)
  } catch (err) {
    if (err instanceof DnsServerError) throw new UsageError(`${flag} ${quoteArg(err.value)}: ${err.message}`)
    throw err
  }
}
