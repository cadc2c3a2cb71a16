// keytar reports every failure as an Error whose only content is the platform's text
// (libsecret, macOS Security, Windows Credential Manager). This is the one place those
// texts are turned into codes; nothing downstream reads them.

import type { DiagnosisCode } from '../../shared/diagnosis'

/** The diagnosis codes of the keychain group (diagnosis-catalog.ts). */
export type KeychainCode = Extract<DiagnosisCode, `keychain-${string}`>

const RULES: Array<[RegExp, KeychainCode]> = [
  // The user (or a missing prompter) refused: libsecret "Prompt dismissed", macOS
  // errSecUserCanceled / errSecAuthFailed, an explicit access denial.
  [
    /dismissed|user canceled|user cancelled|operation was cancel|passphrase you entered is not correct|access denied|not allowed to access|AccessDenied|errSecAuthFailed|-128\b|-25293\b/i,
    'keychain-denied'
  ],
  // A locked collection or keychain that could not be unlocked without the user.
  [/locked|interaction is not allowed|-25308\b/i, 'keychain-locked'],
  // No session bus, no Secret Service, no default collection, no native module.
  [
    /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|org\.freedesktop\.secrets was not provided|ServiceUnknown|Object does not exist at path|No such (interface|object)|Could not connect|Failed to connect|Cannot find module|NODE_MODULE_VERSION|invalid ELF|cannot open shared object|logon session does not exist|No keychain|-25294\b/i,
    'keychain-unavailable'
  ]
]

export function classifyKeychainError(message: string): KeychainCode {
  for (const [re, code] of RULES) if (re.test(message)) return code
  return 'keychain-unavailable'
}
