// Pure helpers for the checking step.
import type { Credentials, HostException, Probe, VerifyResult } from '../../../../shared/verify'
import type { DiagnosisCode } from '../../../../shared/diagnosis'
import { CATALOG, inGroup } from '../../../../shared/diagnosis-catalog'
import type { Refusal, WizardState } from '../../state'

export function credentialsFor(s: WizardState): Credentials {
  if (s.oauthSessionId) return { kind: 'oauth2', sessionId: s.oauthSessionId }
  if (s.password) return { kind: 'password', password: s.password }
  if (s.passwordGivenFor === s.address) return { kind: 'session' }
  return { kind: 'none' }
}

/** A failure the sign-in step can address (another password, an app password, the browser). */
export function isSignInProblem(code: DiagnosisCode): boolean {
  return inGroup(code, 'sign-in')
}

export function succeeded(r: VerifyResult | undefined): boolean {
  return Boolean(r && !r.diagnosis && r.incoming?.state === 'ok' && r.outgoing?.state === 'ok')
}

/** True when every chosen probe also signed in (not only connected). */
export function signedIn(r: VerifyResult | undefined): boolean {
  const authed = (p: Probe | undefined): boolean => p?.steps.some((s) => s.name === 'auth' && s.state === 'ok') ?? false
  return succeeded(r) && authed(r?.incoming) && authed(r?.outgoing)
}

/** Probes in a stable order: incoming first, then by first appearance. */
export function orderProbes(probes: Record<string, Probe>): Probe[] {
  return Object.values(probes).sort((a, b) => (a.role === b.role ? 0 : a.role === 'incoming' ? -1 : 1))
}

export function hasCertProblem(p: Probe): boolean {
  return Boolean(p.certificate && p.diagnosis && CATALOG[p.diagnosis.code].trustable)
}

export function refusedPlaintext(p: Probe): boolean {
  return p.diagnosis?.code === 'plaintext-refused' && p.settings.security === 'plain'
}

/** Whether the server said it can encrypt (IMAP/SMTP STARTTLS, POP3 STLS). */
export function offersStartTls(p: Probe): boolean {
  return Boolean(p.capabilities?.some((c) => /^(STARTTLS|STLS)$/i.test(c)))
}

/** The exceptions with one host:port's entry extended by `grant` (other grants for it kept). */
export function withException(
  list: HostException[],
  host: string,
  port: number,
  grant: Omit<HostException, 'host' | 'port'>
): HostException[] {
  const same = (e: HostException): boolean => e.host === host && e.port === port
  return [...list.filter((e) => !same(e)), { ...list.find(same), host, port, ...grant }]
}

/**
 * After a check: a refused password is dropped from the wizard's session (an empty field and
 * Check then asks for it instead of sending it again), and the username form tried is kept to show.
 */
export function afterSignIn(
  r: VerifyResult,
  sent: Credentials
): Pick<WizardState, 'refusal'> & Partial<Pick<WizardState, 'passwordGivenFor'>> {
  const code = r.diagnosis?.code
  if (!code || !CATALOG[code].passwordRefused || (sent.kind !== 'password' && sent.kind !== 'session'))
    return { refusal: undefined }
  const refused =
    r.probes.find((p) => p.steps.some((s) => s.name === 'auth' && s.state === 'failed')) ?? r.incoming ?? r.outgoing
  const refusal: Refusal = { username: refused?.settings.username ?? '', code }
  return { refusal, passwordGivenFor: undefined }
}
