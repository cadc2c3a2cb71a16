// The sign-in advice for the chosen settings. Which provider they belong to, its app-password
// page and whether passwords work at all come from the provider table in main
// (resources/providers.json), on the candidate; the wizard keeps no list of its own.
import type { Candidate, IncomingProtocol, ProviderFacts } from '../../../../shared/domain'

export type ProviderKind = ProviderFacts | undefined

export function providerKind(c: Candidate | undefined): ProviderKind {
  return c?.provider
}

/** The provider's own page where an app password is created (signed in to the account). */
export function appPasswordPage(kind: ProviderKind): string | undefined {
  return kind?.appPasswordUrl
}

/** Providers that take no password at all from mail programs: browser sign-in or nothing. */
export function needsBrowserSignIn(kind: ProviderKind): boolean {
  return kind?.passwords === false
}

/** The id main looks the OAuth provider up by (the table's id is an alias of its sign-in entry). */
export function oauthProviderId(c: Candidate): string | undefined {
  return c.provider?.id ?? c.providerId
}

/**
 * Whether "Sign in with …" applies: the settings name an OAuth issuer, or the provider signs in through the browser.
 */
export function offersOAuth(c: Candidate | undefined): boolean {
  return Boolean(c && (c.oauth2 || c.provider?.oauth))
}

/** The name on the button until main names the company whose page opens. */
export function oauthProviderName(c: Candidate): string {
  if (c.providerName) return c.providerName
  try {
    return new URL(
      /^[a-z]+:\/\//i.test(c.oauth2?.issuer ?? '') ? c.oauth2!.issuer : `https://${c.oauth2?.issuer ?? ''}`
    ).hostname
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
