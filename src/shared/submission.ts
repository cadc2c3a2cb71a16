// Submission on port 25 as a last resort. On-premises Exchange (and some hosts) take
// authenticated submission on 25 with STARTTLS for clients that can only use it; many networks
// block 25, so it is tried only when the usual port gave no answer at all (verify/verdict.ts)
// and the result says so. Guessing lists it itself; settings typed by hand get it here.
import type { ServerSettings } from './domain'
import { defaultPort, SMTP_RELAY_PORT } from './ports'

/** A typed outgoing server, followed by port 25 on the same host when the typed port is a usual submission port. */
export function withPort25(s: ServerSettings): ServerSettings[] {
  const usual = s.security !== 'plain' && s.port === defaultPort('smtp', s.security)
  return usual ? [s, { ...s, port: SMTP_RELAY_PORT, security: 'starttls' }] : [s]
}
