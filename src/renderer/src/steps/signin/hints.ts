// Which provider-specific advice applies, from the provider id, name or server host names.
import type { Candidate, IncomingProtocol } from '../../../../shared/domain'

export type ProviderKind = 'gmail' | 'yahoo' | 'icloud' | 'aol' | 'microsoft365' | 'outlook' | undefined

const RULES: [Exclude<ProviderKind, undefined>, RegExp][] = [
  ['gmail', /(^|\.)(gmail|googlemail)\.com$|google/],
  ['yahoo', /(^|\.)yahoo\.com$|yahoo/],
  ['icloud', /(^|\.)(me|icloud|mac)\.com$|icloud|apple/],
  ['aol', /(^|\.)aol\.com$|^aol/],
  ['microsoft365', /(^|\.)office365\.com$|microsoft365|office365|exchange-online/],
  ['outlook', /(^|\.)(outlook|hotmail|live|msn)\.com$|outlook/]
]

export function providerKind(c: Candidate | undefined): ProviderKind {
  if (!c) return undefined
  const names = [c.providerId ?? '', ...c.incoming.map((e) => e.host), ...c.outgoing.map((e) => e.host)].map((n) => n.toLowerCase())
  for (const [kind, re] of RULES) if (names.some((n) => re.test(n))) return kind
  return undefined
}

/** The provider's own page where an app password is created (signed in to the account). */
export const APP_PASSWORD_PAGE: Partial<Record<Exclude<ProviderKind, undefined>, string>> = {
  gmail: 'https://myaccount.google.com/apppasswords',
  yahoo: 'https://login.yahoo.com/account/security/app-passwords',
  icloud: 'https://account.apple.com/account/manage',
  aol: 'https://login.aol.com/account/security/app-passwords'
}

/** Providers that take no password at all from mail programs: browser sign-in or nothing. */
export function needsBrowserSignIn(kind: ProviderKind): boolean {
  return kind === 'microsoft365' || kind === 'outlook'
}

/** The sign-in table's id (resources/oauth-providers.json) for providers known by name. */
export function oauthProviderId(kind: ProviderKind): string | undefined {
  if (kind === 'gmail') return 'google'
  if (kind === 'microsoft365' || kind === 'outlook') return 'microsoft'
  return undefined
}

/** Whether "Sign in with …" applies: the settings name an OAuth issuer, or the provider is one the app knows. */
export function offersOAuth(c: Candidate | undefined): boolean {
  return Boolean(c && (c.oauth2 || oauthProviderId(providerKind(c))))
}

/** The name on the button: the company whose page opens. */
export function oauthProviderName(c: Candidate, kind: ProviderKind): string {
  const id = oauthProviderId(kind)
  if (id === 'google') return 'Google'
  if (id === 'microsoft') return 'Microsoft'
  if (c.providerName) return c.providerName
  try {
    return new URL(/^[a-z]+:\/\//i.test(c.oauth2?.issuer ?? '') ? c.oauth2!.issuer : `https://${c.oauth2?.issuer ?? ''}`).hostname
  } catch {
    return c.oauth2?.issuer ?? ''
  }
}

/** Passwords cannot work here: the provider or every server the check would use takes only OAuth2. */
export function passwordsCannotWork(c: Candidate | undefined, kind: ProviderKind, protocol: IncomingProtocol): boolean {
  return Boolean(c && (needsBrowserSignIn(kind) || onlyOAuth(c, protocol)))
}

/** Every server the check will use accepts only OAuth2: the button replaces the password. */
export function onlyOAuth(c: Candidate, protocol: IncomingProtocol): boolean {
  const entries = [...c.incoming.filter((e) => e.protocol === protocol), ...c.outgoing]
  return entries.length > 0 && entries.every((e) => e.auth.length > 0 && e.auth.every((a) => a === 'oauth2'))
}
