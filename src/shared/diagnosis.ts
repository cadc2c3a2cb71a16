// The diagnosis vocabulary. Every failure anywhere in the app ends as one of these codes;
// the words for each code live in the locale files (diagnosis.<code>.*), never in code.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'

export const DiagnosisCode = lazySchema(() =>
  z.enum([
    // address and discovery
    'address-invalid',
    'no-settings-found',
    // no saved account for the address (export of an account never verified)
    'account-not-found',
    // nothing published, and no guessed host answered on any mail port
    'no-mail-service',
    // only settings nothing vouches for (plain HTTP, another domain, a guess): consent first
    'settings-unconfirmed',
    // network
    'dns-not-found',
    'dns-failed',
    'connection-refused',
    'timeout',
    'connection-closed',
    'network-unreachable',
    // TLS and certificates
    'tls-failed',
    // the connection ended in the middle of the TLS handshake
    'tls-interrupted',
    'cert-expired',
    'cert-not-yet-valid',
    'cert-self-signed',
    'cert-wrong-host',
    'cert-untrusted',
    'starttls-missing',
    'starttls-failed',
    'plaintext-refused',
    // protocol
    'protocol-error',
    'not-this-protocol',
    // a user name (or command) with a line break or other control character: never sent
    'unsafe-characters',
    // authentication
    'auth-failed',
    'password-auth-disabled',
    'oauth-required',
    'app-password-required',
    'protocol-disabled',
    'auth-mechanism-unsupported',
    'too-many-attempts',
    // the server asked to slow down: no further sign-in is tried in this check
    'rate-limited',
    // the server says the account is locked or disabled
    'account-locked',
    'server-busy',
    // sending
    'send-as-denied',
    'relay-denied',
    'round-trip-timeout',
    // OAuth
    'oauth-state-mismatch',
    'oauth-denied',
    'oauth-cancelled',
    'oauth-token-expired',
    'oauth-token-refused',
    'oauth-server-error',
    // no OAuth client id for the provider: an administrator must register the app
    'oauth-client-missing',
    // keychain and files
    'keychain-unavailable',
    'keychain-locked',
    'keychain-denied',
    'file-write-failed',
    // a mail program is running with the profile an account was to be written into
    'client-running',
    'accounts-file-corrupt',
    // the organisation's policy (src/main/policy/): a request it does not allow, or a file it cannot use
    'policy-locked',
    'policy-protocol',
    'policy-security',
    'policy-format-hidden',
    'policy-invalid',
    // everything else
    'cancelled',
    'unsupported',
    'internal'
  ])
)
export type DiagnosisCode = z.infer<typeof DiagnosisCode>

/**
 * A failure as a value. `serverSays` is the server's own words (already redacted);
 * the title, explanation, advice and admin question come from the catalog by code.
 */
export const Diagnosis = lazySchema(() =>
  z.object({
    code: DiagnosisCode,
    /** Whether the user can fix it themselves (wrong password) or needs someone else (firewall): from the catalog. */
    userFixable: z.boolean(),
    serverSays: z.string().max(4000).optional(),
    protocol: z.enum(['imap', 'pop3', 'smtp', 'http', 'dns', 'oauth']).optional(),
    host: z.string().max(253).optional(),
    port: z.number().int().optional(),
    /** Values the catalog text may interpolate, e.g. {{host}}, {{port}}, {{provider}}. */
    params: z.record(z.string(), z.string().max(500)).optional(),
    /** Developer-facing English detail; the UI never branches on it. */
    detail: z.string().max(4000).optional()
  })
)
export type Diagnosis = z.infer<typeof Diagnosis>
