// Why a discovery source found nothing, failed or was skipped: one closed list, each with words
// under `ui.sourceReason.<reason>` in every locale file (the wizard shows them, the CLI prints
// the English ones). No zod here: the renderer reads it too.
import type { SourceReport } from './domain'

export const SOURCE_REASONS = [
  // the search itself
  'offline',
  'cancelled',
  'aborted',
  'deadline',
  // the account was verified first (verify/pipeline.ts)
  'not-needed',
  'source-timeout',
  'timeout',
  'internal',
  // the organisation's policy fixed the servers: no source was asked
  'policy',
  // nothing published
  'no-match',
  'no-mx',
  'no-srv',
  'not-offered',
  'no-servers',
  'no-answer',
  'no-file',
  'no-host',
  'no-hosts',
  'mx-in-domain',
  // DNS and connections
  'nxdomain',
  'dns-error',
  'connect',
  'tls',
  'protocol',
  // HTTP
  'http-401',
  'http-404',
  'http-3xx',
  'http-4xx',
  'http-5xx',
  'http-other',
  'bad-content-type',
  'bad-redirect',
  'bad-url',
  'redirect-loop',
  'redirect-to-http',
  'redirect-with-body',
  'too-many-redirects',
  'too-large',
  // the file
  'not-autoconfig',
  'unreadable',
  'bad-xml',
  'xml-dtd',
  'xml-too-deep',
  'xml-too-slow',
  'autodiscover-error',
  'pacc-no-digest',
  'pacc-digest-mismatch',
  'pacc-bad-json'
] as const
export type SourceReason = (typeof SOURCE_REASONS)[number]

/** The HTTP answer that means "sign in first" (401 or 403). */
export const NEEDS_SIGN_IN: SourceReason = 'http-401'

/** The domain's own Exchange Autodiscover wants the mailbox's sign-in before it answers. */
export function autodiscoverAsksSignIn(r: Pick<SourceReport, 'source' | 'state' | 'reason'> | undefined): boolean {
  return r?.source === 'autodiscover' && r.reason === NEEDS_SIGN_IN && r.state !== 'found'
}
