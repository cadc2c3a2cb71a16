// The redirect target for a native app (RFC 8252 §7.3): an HTTP listener on 127.0.0.1 at a
// free port, for exactly one answer. It checks `state` (and `iss`, RFC 9207, when sent),
// shows the browser a short page, and closes. No answer before the deadline means the user
// gave up (closed the browser): that is a clear oauth-cancelled, never a hang.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AppError } from '../errors'
import { redact } from '../redact'
import { forHtml } from '../../shared/escape'
import { sameState } from './pkce'

export const CALLBACK_PATH = '/oauth/callback'

export interface RedirectListener {
  redirectUri: string
  /** Resolves with the authorization code, or rejects with an AppError (oauth-*). */
  result: Promise<{ code: string }>
  close(): void
}

export interface RedirectOptions {
  state: string
  /** When the server sends `iss`, it must be this issuer. */
  issuer?: string
  /** The server's metadata promises `iss` (RFC 9207 §2.4): an answer without it is refused. */
  requireIss?: boolean
  timeoutMs: number
  signal?: AbortSignal
}

const PAGE = (title: string, text: string): string =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${forHtml(title)}</title>` +
  `<body style="font:16px system-ui,sans-serif;margin:3em"><h1>${forHtml(title)}</h1><p>${forHtml(text)}</p></body></html>`

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    connection: 'close'
  })
  res.end(PAGE(title, text))
}

export async function startRedirectListener(opts: RedirectOptions): Promise<RedirectListener> {
  let settle!: { resolve: (v: { code: string }) => void; reject: (e: AppError) => void }
  const result = new Promise<{ code: string }>((resolve, reject) => (settle = { resolve, reject }))
  // complete() may come later; the rejection is observed there.
  result.catch(() => undefined)
  let done = false
  /** Answers that came with a wrong or missing state. */
  let strangers = 0

  const server = createServer((req, res) => onRequest(req, res))
  const finish = (outcome: { code: string } | AppError): void => {
    if (done) return
    done = true
    clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onAbort)
    // Let the page reach the browser, then stop listening.
    server.close()
    setTimeout(() => server.closeAllConnections(), 1000).unref()
    if (outcome instanceof AppError) settle.reject(outcome)
    else settle.resolve(outcome)
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || done) {
      res.writeHead(404, { connection: 'close' }).end()
      return
    }
    const p = url.searchParams
    if (!sameState(opts.state, p.get('state'))) {
      // Not ours: any local program (or a page the browser was sent to) can make this request,
      // so it must not end the sign-in the user is still completing. Refused, and we keep
      // waiting; if nothing else comes, the deadline says it was a state mismatch.
      answer(
        res,
        400,
        'Sign-in not accepted',
        'This answer does not belong to the sign-in Mail Setup started. Start the sign-in again from Mail Setup.'
      )
      strangers++
      return
    }
    const iss = p.get('iss')
    if (
      (iss && opts.issuer && iss.replace(/\/$/, '') !== opts.issuer.replace(/\/$/, '')) ||
      (!iss && opts.requireIss)
    ) {
      answer(
        res,
        400,
        'Sign-in not accepted',
        'This answer came from another sign-in server. Start the sign-in again from Mail Setup.'
      )
      return finish(
        new AppError({
          code: 'oauth-state-mismatch',
          protocol: 'oauth',
          detail: iss ? 'issuer differs' : 'issuer missing'
        })
      )
    }
    const error = p.get('error')
    if (error) {
      const serverSays = redact(`${error}${p.get('error_description') ? `: ${p.get('error_description')}` : ''}`).slice(
        0,
        500
      )
      answer(res, 200, 'Sign-in stopped', 'Nothing was changed. You can close this tab and return to Mail Setup.')
      const code = error === 'access_denied' ? 'oauth-denied' : 'oauth-server-error'
      return finish(
        new AppError({
          code,
          protocol: 'oauth',
          serverSays,
          detail: `authorization server answered ${error.slice(0, 100)}`
        })
      )
    }
    const code = p.get('code')
    if (!code) {
      answer(res, 400, 'Sign-in not accepted', 'The sign-in server sent no authorization code.')
      return finish(new AppError({ code: 'oauth-server-error', protocol: 'oauth', detail: 'no code in the redirect' }))
    }
    answer(res, 200, 'Signed in', 'You can close this tab and return to Mail Setup.')
    finish({ code })
  }

  const onAbort = (): void =>
    finish(new AppError({ code: 'oauth-cancelled', protocol: 'oauth', detail: 'sign-in cancelled' }))
  const timer = setTimeout(
    () =>
      finish(
        strangers
          ? new AppError({
              code: 'oauth-state-mismatch',
              protocol: 'oauth',
              detail: `only answers with a wrong or missing state came (${strangers})`
            })
          : new AppError({
              code: 'oauth-cancelled',
              protocol: 'oauth',
              params: { seconds: String(Math.round(opts.timeoutMs / 1000)) },
              detail: 'no answer from the browser before the deadline'
            })
      ),
    opts.timeoutMs
  )
  timer.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  if (opts.signal?.aborted) onAbort()
  else opts.signal?.addEventListener('abort', onAbort, { once: true })
  const { port } = server.address() as AddressInfo
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    result,
    close: () => finish(new AppError({ code: 'oauth-cancelled', protocol: 'oauth', detail: 'listener closed' }))
  }
}
