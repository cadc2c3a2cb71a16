// The DNS server setting (`--dns`, MAIL_SETUP_DNS), checked strictly before it reaches
// Resolver.setServers: Node aborts the whole process (a native assertion, exit 134) on port 0
// and silently takes port 99999, so nothing unchecked may get there.
import { isIPv4, isIPv6 } from 'node:net'

export class DnsServerError extends Error {
  constructor(
    readonly value: string,
    readonly problem: 'not-an-ip' | 'bad-port'
  ) {
    super(
      `the DNS server is not ${problem === 'bad-port' ? 'given with a port from 1 to 65535' : 'an IPv4 or IPv6 address'} (use 192.0.2.1, 192.0.2.1:53, ::1 or [::1]:53)`
    )
    this.name = 'DnsServerError'
  }
}

function port(text: string, value: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN
  if (!(n >= 1 && n <= 65535)) throw new DnsServerError(value, 'bad-port')
  return n
}

/** One server as `ip`, `ip:port`, `ipv6` or `[ipv6]:port`; returns the form setServers takes. */
export function parseDnsServer(value: string): string {
  const v = value.trim()
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(v)
  if (bracketed) {
    if (!isIPv6(bracketed[1]!)) throw new DnsServerError(value, 'not-an-ip')
    return bracketed[2] === undefined ? bracketed[1]! : `[${bracketed[1]}]:${port(bracketed[2], value)}`
  }
  // An IPv6 address has two colons at least: the usual IPv4 setting is decided without Node's
  // IPv6 pattern, whose first use compiles a large regular expression (about 5 ms at start).
  if (v.indexOf(':') !== v.lastIndexOf(':') && isIPv6(v)) return v
  const [host = '', p, ...rest] = v.split(':')
  if (rest.length || !isIPv4(host)) throw new DnsServerError(value, 'not-an-ip')
  return p === undefined ? host : `${host}:${port(p, value)}`
}

export function parseDnsServers(values: string[]): string[] {
  return values.map(parseDnsServer)
}
