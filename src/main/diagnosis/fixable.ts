import type { DiagnosisCode } from '../../shared/diagnosis'

// Codes the user can resolve alone; everything else needs the provider, an admin or us.
const USER_FIXABLE = new Set<DiagnosisCode>([
  'address-invalid',
  'auth-failed',
  'app-password-required',
  'oauth-required',
  'oauth-cancelled',
  'oauth-denied',
  'oauth-token-expired',
  'send-as-denied',
  'keychain-locked',
  'cancelled',
  'cert-self-signed',
  'too-many-attempts'
])

export function isUserFixable(code: DiagnosisCode): boolean {
  return USER_FIXABLE.has(code)
}
