// Pure helpers for the checking step.
import type { Credentials, Probe, VerifyResult } from '../../../../shared/verify'
import type { DiagnosisCode } from '../../../../shared/diagnosis'
import type { WizardState } from '../../state'

export function credentialsFor(s: WizardState): Credentials {
  if (s.oauthSessionId) return { kind: 'oauth2', sessionId: s.oauthSessionId }
  if (s.password) return { kind: 'password', password: s.password }
  if (s.passwordGivenFor === s.address) return { kind: 'session' }
  return { kind: 'none' }
}

export const CERT_CODES: DiagnosisCode[] = ['cert-self-signed', 'cert-wrong-host', 'cert-untrusted']
export const SIGN_IN_CODES: DiagnosisCode[] = [
  'auth-failed',
  'app-password-required',
  'auth-mechanism-unsupported',
  'too-many-attempts',
  'oauth-required',
  'password-auth-disabled',
  'oauth-token-expired',
  'oauth-token-refused'
]

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
  return Boolean(p.certificate && p.diagnosis && CERT_CODES.includes(p.diagnosis.code))
}
