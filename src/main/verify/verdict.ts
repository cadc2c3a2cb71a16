// Honest verdicts over a whole check: when nothing published the settings and no guessed host
// answered on any mail port, the truth is "no mail service found for this domain", not a port
// refusal; and port 25, which many networks block, is only tried when 587 and 465 gave no answer.
import type { Diagnosis, DiagnosisCode } from '../../shared/diagnosis'
import type { ServerSettings } from '../../shared/domain'
import type { Probe } from '../../shared/verify'
import { diagnose } from '../../shared/diagnosis-catalog'
import { SMTP_RELAY_PORT } from '../../shared/ports'

/** Failures that mean nobody answered there (as opposed to a server that answered badly). */
const NO_ANSWER = new Set<DiagnosisCode>([
  'connection-refused',
  'timeout',
  'network-unreachable',
  'dns-not-found',
  'connection-closed'
])

export function answeredNothing(p: Probe): boolean {
  return (
    p.state === 'failed' &&
    !p.steps.some((s) => s.name === 'greeting' && s.state === 'ok') &&
    NO_ANSWER.has(p.diagnosis?.code ?? 'internal')
  )
}

/** Every entry was a guess, and no probe met a mail server: the domain has no mail service we can find. */
export function noMailService(settings: ServerSettings[], probes: Probe[], address: string): Diagnosis | undefined {
  if (!settings.length || !settings.every((s) => s.guessed)) return undefined
  if (!probes.length || !probes.every(answeredNothing)) return undefined
  const domain = address.slice(address.lastIndexOf('@') + 1)
  return diagnose('no-mail-service', {
    params: { domain },
    detail: `no guessed host of ${domain} answered on a mail port`
  })
}

/** Submission on port 25 (Exchange's "clients that can only use 25" setup), kept for last. */
export function splitLastResort(outgoing: ServerSettings[]): { first: ServerSettings[]; last: ServerSettings[] } {
  const last = outgoing.filter((s) => s.port === SMTP_RELAY_PORT)
  const first = outgoing.filter((s) => s.port !== SMTP_RELAY_PORT)
  // A list of port 25 only (typed by the user) is simply tried.
  return first.length ? { first, last } : { first: outgoing, last: [] }
}
