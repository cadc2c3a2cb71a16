// `mail-setup verify <address> --oauth`: print the sign-in URL, wait for the browser to come
// back to the loopback listener, and hand back the Secret the verification uses.
import type { OAuth2Settings } from '../../shared/domain'
import type { OAuthService } from './service'

export interface TerminalSignIn {
  address: string
  oauth2?: OAuth2Settings
  providerId?: string
  /** Shows the URL to open (the CLI prints it). */
  print(url: string): void
  signal?: AbortSignal
  timeoutMs?: number
}

export async function signInFromTerminal(
  oauth: OAuthService,
  opts: TerminalSignIn
): Promise<{ sessionId: string; username?: string; secret: { kind: 'oauth2'; accessToken: () => Promise<string> } }> {
  const begun = await oauth.begin({ address: opts.address, oauth2: opts.oauth2, providerId: opts.providerId, signal: opts.signal, timeoutMs: opts.timeoutMs })
  opts.print(begun.authorizeUrl)
  const done = await oauth.complete(begun.sessionId)
  return { ...done, secret: oauth.secret(begun.sessionId, opts.address) }
}
