// `mail-setup token <address>`: prints a valid OAuth access token for a saved sign-in, for the
// mail clients the terminal exports set up (msmtp passwordeval, mutt's oauth refresh commands,
// aerc's cred-cmd, mbsync's PassCmd). It reads the sign-in the save path kept in the keychain,
// refreshes at the provider's token endpoint only when the kept access token is missing or about
// to expire (and keeps the new tokens), never prompts, and stops at a deadline. Only the token
// goes to stdout; a failure is a diagnosis on stderr and the catalog's exit code.
import type { Services } from '../services'
import { inGroup } from '../../shared/diagnosis-catalog'
import { AppError, fail } from '../errors'

export interface TokenDeps {
  services: Pick<Services, 'config' | 'dns' | 'ca' | 'credentials'>
  /** Whole-command deadline (keychain, lock and token endpoint together). */
  deadlineMs?: number
  /** Aborts the refresh (the CLI's interrupt). */
  signal?: AbortSignal
}

const DEFAULT_DEADLINE_MS = 30_000
/** RFC 6750 §2.1 b64token: what a bearer token may contain, so it prints as it is. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * The keychain codes' usual words are the save path's ("the password could not be stored…
 * your account was saved without it"); this command only reads a kept sign-in, so it takes the
 * words under the `token` context (`token_module` when keytar itself is not built).
 */
function readingWords(err: unknown, address: string): unknown {
  if (!(err instanceof AppError) || !inGroup(err.diagnosis.code, 'keychain')) return err
  const { params, ...rest } = err.diagnosis
  const context = params?.context === 'module' ? 'token_module' : 'token'
  return new AppError({ ...rest, params: { ...params, context, address } })
}

export async function accessTokenFor(address: string, deps: TokenDeps): Promise<string> {
  const { config, dns, credentials } = deps.services
  const deadlineMs = deps.deadlineMs ?? DEFAULT_DEADLINE_MS
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  deps.signal?.addEventListener('abort', stop, { once: true })
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new AppError({ code: 'timeout', protocol: 'oauth', detail: `no token within ${deadlineMs} ms` }))
    }, deadlineMs)
  })
  try {
    const { OAuthService } = await import('../oauth')
    const oauth = new OAuthService({ config, dns, ca: deps.services.ca, credentials, lockDir: config.userDataDir })
    const token = await Promise.race([
      oauth.accessToken('', address, controller.signal).catch((err: unknown) => {
        // No sign-in kept for this address: say how to make one, not "choose the browser".
        if (err instanceof AppError && err.diagnosis.code === 'oauth-required')
          fail('oauth-required', { params: { context: 'token', address }, detail: err.diagnosis.detail })
        throw readingWords(err, address)
      }),
      deadline
    ])
    if (!B64TOKEN.test(token))
      fail('oauth-server-error', { protocol: 'oauth', detail: 'the access token has characters a bearer token cannot' })
    return token
  } finally {
    clearTimeout(timer)
    deps.signal?.removeEventListener('abort', stop)
  }
}
