// The one diagnosis catalog: for every code, which group it belongs to, whether the user can fix
// it alone, and the CLI's exit code. The words live in the locale files under `diagnosis.<code>`
// (title, what, todo, admin). Main, the wizard and the CLI read only this table; nothing else
// keeps a list of codes. Type imports only: the renderer bundles this without zod.
import type { Diagnosis, DiagnosisCode } from './diagnosis'

/** The CLI's exit codes (docs/cli.md). */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  discovery: 3,
  verification: 4,
  export: 5,
  unconfirmed: 6,
  policy: 7,
  policyInvalid: 8,
  cancelled: 130
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const DIAGNOSIS_GROUPS = [
  'address',
  'discovery',
  'network',
  'security',
  'certificate',
  'protocol',
  'sign-in',
  'sending',
  'oauth',
  'keychain',
  'files',
  'policy',
  'other'
] as const
export type DiagnosisGroup = (typeof DIAGNOSIS_GROUPS)[number]

export interface CatalogEntry {
  group: DiagnosisGroup
  /** The user can resolve it alone (retype, choose, consent); otherwise the provider or an admin must. */
  fixable: boolean
  exit: ExitCode
  /** A certificate problem the user may accept for this server by its fingerprint. */
  trustable?: true
  /** The server turned this password down: the wizard forgets it rather than send it again. */
  passwordRefused?: true
}

type Trait = 'trustable' | 'passwordRefused'
const e = (group: DiagnosisGroup, fixable: boolean, exit: ExitCode, trait?: Trait): CatalogEntry => ({
  group,
  fixable,
  exit,
  ...(trait ? { [trait]: true } : {})
})
const V = EXIT.verification

export const CATALOG: Record<DiagnosisCode, CatalogEntry> = {
  'address-invalid': e('address', true, EXIT.usage),
  // the user can enter the settings the provider publishes
  'no-settings-found': e('discovery', true, EXIT.discovery),
  'no-mail-service': e('discovery', true, EXIT.discovery),
  'account-not-found': e('discovery', true, EXIT.export),
  'settings-unconfirmed': e('discovery', true, EXIT.unconfirmed),
  'dns-not-found': e('network', false, V),
  'dns-failed': e('network', false, V),
  'connection-refused': e('network', false, V),
  timeout: e('network', false, V),
  'connection-closed': e('network', false, V),
  'network-unreachable': e('network', false, V),
  'tls-failed': e('security', false, V),
  'tls-interrupted': e('security', false, V),
  'starttls-missing': e('security', false, V),
  'starttls-failed': e('security', false, V),
  // a plain connection: the user picks the encrypted setting
  'plaintext-refused': e('security', true, V),
  'cert-expired': e('certificate', false, V),
  'cert-not-yet-valid': e('certificate', true, V),
  'cert-self-signed': e('certificate', true, V, 'trustable'),
  'cert-wrong-host': e('certificate', true, V, 'trustable'),
  'cert-untrusted': e('certificate', false, V, 'trustable'),
  'protocol-error': e('protocol', false, V),
  // a wrong port: the user picks the other setting
  'not-this-protocol': e('protocol', true, V),
  // a user name with a line break: the user types it again
  'unsafe-characters': e('protocol', true, V),
  'protocol-disabled': e('protocol', false, V),
  'server-busy': e('protocol', false, V),
  'auth-failed': e('sign-in', true, V, 'passwordRefused'),
  'password-auth-disabled': e('sign-in', false, V, 'passwordRefused'),
  'oauth-required': e('sign-in', true, V),
  'app-password-required': e('sign-in', true, V, 'passwordRefused'),
  'auth-mechanism-unsupported': e('sign-in', false, V),
  'too-many-attempts': e('sign-in', true, V),
  'rate-limited': e('sign-in', true, V),
  'account-locked': e('sign-in', false, V),
  'oauth-token-expired': e('sign-in', true, V),
  'oauth-token-refused': e('sign-in', false, V),
  'send-as-denied': e('sending', true, V),
  'relay-denied': e('sending', false, V),
  'round-trip-timeout': e('sending', false, V),
  'oauth-state-mismatch': e('oauth', false, V),
  'oauth-denied': e('oauth', true, V),
  'oauth-cancelled': e('oauth', true, V),
  'oauth-server-error': e('oauth', false, V),
  'oauth-client-missing': e('oauth', false, V),
  'keychain-unavailable': e('keychain', false, EXIT.export),
  'keychain-locked': e('keychain', true, EXIT.export),
  'keychain-denied': e('keychain', true, EXIT.export),
  'file-write-failed': e('files', true, EXIT.export),
  'client-running': e('files', true, EXIT.export),
  'accounts-file-corrupt': e('files', false, EXIT.export),
  // the organisation's policy (src/main/policy/): only its IT can change what it allows
  'policy-locked': e('policy', false, EXIT.policy),
  'policy-protocol': e('policy', false, EXIT.policy),
  'policy-security': e('policy', false, EXIT.policy),
  'policy-format-hidden': e('policy', false, EXIT.policy),
  'policy-invalid': e('policy', false, EXIT.policyInvalid),
  // the user stopped it; running it again is the remedy
  cancelled: e('other', true, EXIT.cancelled),
  // the format or server cannot do what was asked
  unsupported: e('other', false, EXIT.export),
  internal: e('other', false, EXIT.internal)
}

export type DiagnosisFields = Partial<Omit<Diagnosis, 'code' | 'userFixable'>>

/** The one way to build a diagnosis: the code's catalog entry decides whether the user can fix it. */
export function diagnose(code: DiagnosisCode, fields: DiagnosisFields = {}): Diagnosis {
  return { ...fields, code, userFixable: CATALOG[code].fixable }
}

export function isUserFixable(code: DiagnosisCode): boolean {
  return CATALOG[code].fixable
}

export function inGroup(code: DiagnosisCode, group: DiagnosisGroup): boolean {
  return CATALOG[code]?.group === group
}

/** The CLI's exit code for a failure with this code. */
export function exitFor(code: DiagnosisCode): ExitCode {
  return CATALOG[code]?.exit ?? EXIT.internal
}
