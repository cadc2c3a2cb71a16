// Library and system errors as diagnosis codes: Node's socket and TLS error codes, imapflow's and
// nodemailer's failures (their codes, and their message text where that is all they give). The
// one place such errors are read; verify/, oauth/ and the rest see only diagnoses. Server
// replies go through classify.ts; keychain texts through keychain.ts.
import type { DiagnosisCode } from '../../shared/diagnosis'
import { AppError } from '../errors'
import { classifyImapAuth, classifySmtp, parseSmtpReply, responseCode, type SmtpStage } from './classify'

/** A network error (Node's errno code) as a diagnosis code. */
export function netCode(err: unknown): DiagnosisCode {
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'ECONNREFUSED':
      return 'connection-refused'
    case 'ETIMEDOUT':
      return 'timeout'
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'EADDRNOTAVAIL':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return 'network-unreachable'
    default:
      return 'connection-closed'
  }
}

// Node's certificate verification codes (OpenSSL's names).
const TLS_CODES: Record<string, DiagnosisCode> = {
  CERT_HAS_EXPIRED: 'cert-expired',
  CERT_NOT_YET_VALID: 'cert-not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'cert-self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'cert-untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cert-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'cert-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'cert-wrong-host'
}

/** An HTTPS request's system error code (certificate, DNS, socket) as a diagnosis code; `otherwise` for the rest. */
export function requestErrorCode(code: string, otherwise: DiagnosisCode): DiagnosisCode {
  if (TLS_CODES[code]) return TLS_CODES[code]
  if (code === 'ECONNREFUSED') return 'connection-refused'
  if (code === 'ENOTFOUND' || code === 'ENODATA') return 'dns-not-found'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection-closed'
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'network-unreachable'
  return otherwise
}

const HTTP_TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|EPROTO)/
const HTTP_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EADDRNOTAVAIL'
])

/** An HTTP request's system error code as the discovery reason it ends with (net/http.ts). */
export function requestFailureReason(code: string): 'nxdomain' | 'tls' | 'connect' | 'protocol' {
  if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return 'nxdomain'
  if (HTTP_TLS_CODES.test(code)) return 'tls'
  if (HTTP_CONNECT_CODES.has(code)) return 'connect'
  return 'protocol'
}

/** A nodemailer failure as a diagnosis. */
export function smtpError(err: unknown, stage: SmtpStage, security: string): AppError {
  const e = err as { code?: string; responseCode?: number; response?: string; command?: string; message?: string }
  const said = typeof e.response === 'string' ? e.response : undefined
  const cmd = (e.command ?? '').toUpperCase()
  const at: SmtpStage = cmd.startsWith('AUTH')
    ? 'auth'
    : cmd.startsWith('MAIL')
      ? 'mail'
      : cmd.startsWith('RCPT')
        ? 'rcpt'
        : cmd.startsWith('DATA') || (cmd === '' && stage === 'data')
          ? 'data'
          : cmd.startsWith('STARTTLS')
            ? 'starttls'
            : stage
  if (said && e.responseCode) {
    return new AppError({
      code: classifySmtp(parseSmtpReply(said, e.responseCode), at),
      serverSays: said,
      detail: e.message
    })
  }
  const code = e.code ?? ''
  if (code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? ''))
    return new AppError({ code: 'timeout', detail: `nodemailer: ${e.message}` })
  if (tlsVersionRefused(`${code} ${e.message ?? ''}`)) return versionRefused(`nodemailer: ${e.message ?? code}`)
  if (code === 'ETLS' || /TLS|certificate|self.signed|altname/i.test(e.message ?? '')) {
    if (security === 'starttls' && /STARTTLS/i.test(e.message ?? ''))
      return new AppError({ code: 'starttls-failed', detail: e.message })
    return new AppError({
      code: 'cert-untrusted',
      detail: `the TLS session or certificate changed after it was checked: ${e.message}`
    })
  }
  if (code === 'EAUTH') return new AppError({ code: 'auth-mechanism-unsupported', detail: e.message })
  if (code === 'ECONNECTION' || code === 'ESOCKET') return new AppError({ code: netCode(err), detail: e.message })
  return new AppError({ code: 'protocol-error', detail: `nodemailer: ${code} ${e.message ?? ''}` })
}

// A handshake that found no TLS version both sides allow (the policy's floor above what the
// server offers): the TLS step failed, not the certificate.
const tlsVersionRefused = (text: string): boolean =>
  /protocol.version|unsupported.protocol|no.protocols.available|PROTOCOL_VERSION/i.test(text)
const versionRefused = (detail: string): AppError =>
  new AppError({ code: 'tls-failed', detail: `no TLS version both sides allow: ${detail}` })

/** An imapflow failure as a diagnosis. */
export function imapError(err: unknown, security: string): AppError {
  const e = err as {
    code?: string
    authenticationFailed?: boolean
    serverResponseCode?: string
    response?: string
    message?: string
  }
  const said = typeof e.response === 'string' ? e.response : undefined
  if (e.authenticationFailed) {
    return new AppError({
      code: classifyImapAuth(said ?? '', e.serverResponseCode),
      serverSays: said,
      detail: 'the server refused the sign-in'
    })
  }
  const code = e.code ?? ''
  if (/TIMEOUT/i.test(code)) return new AppError({ code: 'timeout', detail: `imapflow: ${code}` })
  if (code === 'STARTTLS_INJECTION' || (security === 'starttls' && /TLS/i.test(code + (e.message ?? '')))) {
    return new AppError({ code: 'starttls-failed', detail: `imapflow: ${e.message ?? code}` })
  }
  if (tlsVersionRefused(`${code} ${e.message ?? ''}`)) return versionRefused(`imapflow: ${e.message ?? code}`)
  if (/CERT|SELF_SIGNED|ALTNAME|UNABLE_TO|TLS/i.test(code)) {
    return new AppError({ code: 'cert-untrusted', detail: `the certificate changed after it was checked (${code})` })
  }
  if (code.startsWith('E') && /^E[A-Z]+$/.test(code))
    return new AppError({ code: netCode(err), detail: `imapflow: ${code}` })
  if (said) {
    const rc = responseCode(said)
    return new AppError({
      code: rc ? classifyImapAuth(said, rc) : 'protocol-error',
      serverSays: said,
      detail: e.message
    })
  }
  return new AppError({ code: 'protocol-error', detail: `imapflow: ${code || e.message || 'failed'}` })
}
