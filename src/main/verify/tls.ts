// TLS: the handshake (implicit or after STARTTLS), the certificate check, and the strict
// options the mail libraries get for their own connection.
import { isIP, type Socket } from 'node:net'
import { checkServerIdentity, connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls'
import type { Duplex } from 'node:stream'
import type { CertificateInfo, HostException } from '../../shared/verify'
import { AppError } from '../errors'
import { secureContextFor, storeOf, type TlsVersion } from '../net/trust'

export { secureContextFor } from '../net/trust'

export function serverName(host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '')
  return isIP(bare) ? undefined : bare
}

/**
 * Handshakes without letting Node reject the certificate, so the certificate step can say
 * exactly what is wrong with it. Nothing is sent over the socket before that step passes.
 */
export function handshake(
  socket: Socket | Duplex,
  host: string,
  ca: string[],
  signal: AbortSignal,
  minVersion: TlsVersion = 'TLSv1.2'
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tlsSocket = connect({
      socket: socket as Socket,
      servername: serverName(host),
      // The context carries the lowest version (Node ignores a minVersion beside a secureContext).
      secureContext: secureContextFor(ca, minVersion),
      rejectUnauthorized: false
    })
    const onAbort = (): void => {
      tlsSocket.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    tlsSocket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort)
      // Only our own listeners: removeAllListeners('close') also took Node's, which frees the
      // native TLS state on close, so every verified connection stayed in memory (about 5 KB).
      tlsSocket.off('error', failed)
      tlsSocket.off('close', closed)
      resolve(tlsSocket)
    })
    const failed = (err?: Error): void => {
      signal.removeEventListener('abort', onAbort)
      tlsSocket.on('error', () => undefined)
      tlsSocket.destroy()
      reject(
        new AppError({
          code: handshakeFailure(err),
          detail: `TLS handshake failed: ${err?.message ?? 'the server closed the connection'}`
        })
      )
    }
    const closed = (): void => failed()
    tlsSocket.once('error', failed)
    tlsSocket.once('close', closed)
  })
}

// OpenSSL's words for bytes that are not TLS at all (a plain greeting, HTTP, garbage).
const NOT_TLS =
  /wrong version number|packet length too long|unknown protocol|http request|record layer failure|unexpected eof while reading|bad record type|record_layer/i

/**
 * Why a handshake failed: the server answered with something that is not TLS (protocol-error),
 * the connection ended in the middle (tls-interrupted), or TLS itself failed (tls-failed:
 * no common version or cipher, an alert from the server).
 */
export function handshakeFailure(
  err: (Error & { code?: string }) | undefined
): 'protocol-error' | 'tls-interrupted' | 'tls-failed' {
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`
  if (!err || /ECONNRESET|EPIPE|socket disconnected before secure|socket hang up/i.test(text)) return 'tls-interrupted'
  if (NOT_TLS.test(text) && !/unexpected eof/i.test(text)) return 'protocol-error'
  if (/unexpected eof/i.test(text)) return 'tls-interrupted'
  return 'tls-failed'
}

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT'])
const EXPIRED = new Set(['CERT_HAS_EXPIRED'])
const NOT_YET = new Set(['CERT_NOT_YET_VALID'])
const HOST_ONLY = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'])

export interface CertificateCheck {
  info: CertificateInfo
  /** The leaf in PEM, to pin it for the library's own connection when the user trusted it. */
  pem: string
}

/** The certificate as PEM, written from its DER (no X509 parse: the check has read what it needs). */
function pemOf(cert: PeerCertificate): string {
  const lines = cert.raw.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/**
 * Checks the peer certificate: chain, dates, host name, self-signed. Passes when everything
 * holds, or when the user trusted this exact certificate (by SHA-256 fingerprint) for this
 * host:port and its only faults are being self-signed or naming another host. An expired or
 * not-yet-valid certificate is never let through: a fingerprint vouches for identity, not for
 * a key its owner has stopped looking after.
 */
export function checkCertificate(
  socket: TLSSocket,
  host: string,
  exception: HostException | undefined,
  now = new Date(),
  ca?: string[]
): CertificateCheck {
  const cert = socket.getPeerCertificate(true)
  if (!cert || !cert.raw) throw new AppError({ code: 'tls-failed', detail: 'the server sent no certificate' })
  const code = String(socket.authorizationError ?? '')
  const validFrom = new Date(cert.valid_from)
  const validTo = new Date(cert.valid_to)
  const name = serverName(host) ?? host.replace(/^\[|\]$/g, '')
  const hostMatches = !checkServerIdentity(name, cert)
  const selfSigned =
    SELF_SIGNED.has(code) ||
    (cert.issuerCertificate?.fingerprint256 === cert.fingerprint256 &&
      !socket.authorized &&
      !code.startsWith('ERR_TLS_CERT'))
  const chainTrusted = socket.authorized || HOST_ONLY.has(code) || EXPIRED.has(code) || NOT_YET.has(code)
  const info: CertificateInfo = {
    subject: formatName(cert.subject),
    subjectAltNames: (cert.subjectaltname ?? '').split(/,\s*/).filter(Boolean).slice(0, 500),
    issuer: formatName(cert.issuer),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    fingerprint256: cert.fingerprint256,
    tlsVersion: socket.getProtocol() ?? undefined,
    hostMatches,
    chainTrusted,
    selfSigned
  }
  const vouched = socket.authorized && ca ? storeOf(ca)?.vouchedBy(cert) : undefined
  if (vouched) info.trustStore = vouched
  const params = { host: name, fingerprint: cert.fingerprint256, validTo: info.validTo, issuer: info.issuer }
  const problem = (
    c: 'cert-expired' | 'cert-not-yet-valid' | 'cert-self-signed' | 'cert-wrong-host' | 'cert-untrusted',
    detail: string
  ): never => {
    throw Object.assign(new AppError({ code: c, host: name, params, detail }), { certificate: info })
  }
  if (EXPIRED.has(code) || validTo < now) problem('cert-expired', `certificate expired on ${info.validTo}`)
  if (NOT_YET.has(code) || validFrom > now)
    problem('cert-not-yet-valid', `certificate valid only from ${info.validFrom}`)
  const pinned = Boolean(exception?.fingerprint256) && sameFingerprint(exception!.fingerprint256!, cert.fingerprint256)
  if (!chainTrusted && !selfSigned)
    problem('cert-untrusted', `certificate chain not trusted (${code || 'unknown issuer'})`)
  if (selfSigned && !pinned) problem('cert-self-signed', 'the certificate is self-signed')
  if (!hostMatches && !pinned) problem('cert-wrong-host', `the certificate does not name ${name}`)
  if (pinned && (selfSigned || !hostMatches)) info.trustedByUser = true
  return { info, pem: pemOf(cert) }
}

export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string): string => s.replace(/[^0-9a-f]/gi, '').toUpperCase()
  return norm(a) === norm(b) && norm(a).length === 64
}

function formatName(n: PeerCertificate['subject'] | undefined): string {
  if (!n) return ''
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ')
}

/**
 * TLS options for imapflow and nodemailer: full verification against the app's CA list,
 * except that a certificate the user pinned (and the probe already checked) is accepted
 * by its fingerprint. A certificate that changed since the probe fails the library's handshake.
 */
export function strictTlsOptions(
  host: string,
  ca: string[],
  minTls: TlsVersion | undefined,
  pinned?: CertificateCheck
): ConnectionOptions {
  const servername = serverName(host)
  const fingerprint = pinned?.info.trustedByUser ? pinned.info.fingerprint256 : undefined
  const minVersion = minTls ?? 'TLSv1.2'
  return {
    servername,
    // The floor lives in the context too: Node ignores minVersion beside a secureContext.
    ...(fingerprint ? { ca: [...ca, pinned!.pem] } : { secureContext: secureContextFor(ca, minVersion) }),
    rejectUnauthorized: true,
    minVersion,
    checkServerIdentity: (h, cert) => {
      if (fingerprint && sameFingerprint(fingerprint, cert.fingerprint256)) return undefined
      return checkServerIdentity(servername ?? h, cert)
    }
  }
}
