// The one port rule: which port each protocol uses with each security, and which security a
// well-known port implies (RFC 8314 implicit TLS, RFC 6186 SRV names, the classic STARTTLS
// ports). Discovery, the CLI's URLs, the manual form, the domain check and the files it
// publishes all read this table. Pure data: the renderer imports it too.
import type { Protocol, Security } from './domain'

export interface PortRule {
  protocol: Protocol
  security: Exclude<Security, 'plain'>
  port: number
  /** The RFC 6186/8314 SRV service name. */
  srv: string
  /** The CLI URL scheme (imaps://host:993). */
  scheme: string
}

/** In each protocol's order of preference: implicit TLS first (RFC 8314). */
export const PORT_RULES: readonly PortRule[] = [
  { protocol: 'imap', security: 'tls', port: 993, srv: '_imaps._tcp', scheme: 'imaps' },
  { protocol: 'imap', security: 'starttls', port: 143, srv: '_imap._tcp', scheme: 'imap' },
  { protocol: 'pop3', security: 'tls', port: 995, srv: '_pop3s._tcp', scheme: 'pop3s' },
  { protocol: 'pop3', security: 'starttls', port: 110, srv: '_pop3._tcp', scheme: 'pop3' },
  { protocol: 'smtp', security: 'tls', port: 465, srv: '_submissions._tcp', scheme: 'smtps' },
  { protocol: 'smtp', security: 'starttls', port: 587, srv: '_submission._tcp', scheme: 'smtp' }
]

/**
 * SMTP's relay port, which Exchange also opens to clients with STARTTLS and AUTH. Tried last,
 * after 465 and 587 (verify/verdict.ts): many networks block it.
 */
export const SMTP_RELAY_PORT = 25

/** The port a protocol uses with a security; a plain connection uses the STARTTLS port. */
export function defaultPort(protocol: Protocol, security: Security): number {
  const wanted = security === 'plain' ? 'starttls' : security
  return PORT_RULES.find((r) => r.protocol === protocol && r.security === wanted)!.port
}

/** The security a well-known port implies (any protocol), or undefined for another port. */
export function securityForPort(port: number): Exclude<Security, 'plain'> | undefined {
  if (port === SMTP_RELAY_PORT) return 'starttls'
  return PORT_RULES.find((r) => r.port === port)?.security
}

/** The ports to try for a protocol, best first (guessing): the rules' ports, then SMTP's 25. */
export function portsToTry(protocol: Protocol): Array<[number, Exclude<Security, 'plain'>]> {
  const ports = PORT_RULES.filter((r) => r.protocol === protocol).map((r): [number, Exclude<Security, 'plain'>] => [
    r.port,
    r.security
  ])
  return protocol === 'smtp' ? [...ports, [SMTP_RELAY_PORT, 'starttls']] : ports
}
