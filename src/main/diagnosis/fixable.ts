import type { DiagnosisCode } from '../../shared/diagnosis'

// Codes the user can resolve alone; everything else needs the provider, an admin or us.
const USER_FIXABLE = new Set<DiagnosisCode>([
  'address-invalid',
  'settings-unconfirmed',
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
  'cert-wrong-host',
  'cert-not-yet-valid',
  'too-many-attempts',
  'rate-limited',
  // a wrong port or a plain connection: the user picks the other setting
  'not-this-protocol',
  'plaintext-refused',
  // a user name typed or found with a line break: the user types it again
  'unsafe-characters',
  'keychain-denied',
  'file-write-failed',
  'client-running'
])

export function isUserFixable(code: DiagnosisCode): boolean {
  return USER_FIXABLE.has(code)
}
