// SASL initial responses shared by the IMAP, POP3 and SMTP sign-ins. Every payload that
// carries a secret is registered with the redaction function before it can be written.
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto'
import { fail } from '../errors'
import { registerSecret } from '../redact'

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64')
}

/** A payload that carries a secret, registered so no transcript or report can show it. */
function secretPayload(text: string): string {
  const payload = b64(text)
  registerSecret(payload)
  return payload
}

/** PLAIN (RFC 4616): no authorization identity, so the server derives it from the user. */
export function plain(user: string, password: string): string {
  return secretPayload(`\0${user}\0${password}`)
}

/** XOAUTH2 initial response (Google and Microsoft's SASL mechanism). */
export function xoauth2(user: string, token: string): string {
  return secretPayload(`user=${user}\x01auth=Bearer ${token}\x01\x01`)
}

/** OAUTHBEARER initial response (RFC 7628). */
export function oauthBearer(user: string, token: string): string {
  return secretPayload(`n,a=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},\x01auth=Bearer ${token}\x01\x01`)
}

/** The OAuth mechanism to use: XOAUTH2 where offered (widest support), else OAUTHBEARER. */
export function oauthMechanism(mechanisms: string[]): 'XOAUTH2' | 'OAUTHBEARER' {
  const upper = mechanisms.map((m) => m.toUpperCase())
  return !upper.includes('XOAUTH2') && upper.includes('OAUTHBEARER') ? 'OAUTHBEARER' : 'XOAUTH2'
}

export async function oauthPayload(
  user: string,
  accessToken: () => Promise<string>,
  mechanisms: string[]
): Promise<{ mech: string; payload: string }> {
  const token = await accessToken()
  registerSecret(token)
  const mech = oauthMechanism(mechanisms)
  return { mech, payload: mech === 'OAUTHBEARER' ? oauthBearer(user, token) : xoauth2(user, token) }
}

/** What the transcript shows in place of a secret. */
export const HIDDEN = '••••••'

/** One step of a multi-step SASL exchange, as each protocol's adapter reports it. */
export type SaslStep = { kind: 'challenge'; data: string } | { kind: 'done'; ok: boolean; text: string }

export interface SaslExchange {
  /** Sends the command with the initial response (base64); `shown` goes to the transcript. */
  start(mech: string, initial: string): Promise<SaslStep>
  /** Answers a challenge with `data` (base64 or empty); `shown` goes to the transcript. */
  respond(data: string, shown?: string): Promise<SaslStep>
}

/** The SCRAM mechanism to use: only where the settings name it and the server offers it. */
export function scramMechanism(auth: string[], mechanisms: string[]): 'SCRAM-SHA-256' | undefined {
  const wanted = auth.some((m) => m === 'scram-sha-256' || m === 'scram-sha-256-plus')
  return wanted && mechanisms.some((m) => m.toUpperCase() === 'SCRAM-SHA-256') ? 'SCRAM-SHA-256' : undefined
}

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the password never crosses the
 * connection, and the server proves it knows it too (its signature is checked before success
 * counts). The password is NFKC-normalised, the part of SASLprep (RFC 4013) that changes
 * real passwords.
 */
export async function scramSha256(
  user: string,
  password: string,
  x: SaslExchange
): Promise<Extract<SaslStep, { kind: 'done' }>> {
  registerSecret(password)
  const nonce = randomBytes(18).toString('base64')
  const bare = `n=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`
  const gs2 = 'n,,'
  let step = await x.start('SCRAM-SHA-256', b64(gs2 + bare))
  if (step.kind === 'done') return step
  const serverFirst = Buffer.from(step.data, 'base64').toString('utf8')
  const attrs = new Map(serverFirst.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const))
  const r = attrs.get('r') ?? ''
  const salt = Buffer.from(attrs.get('s') ?? '', 'base64')
  const iterations = Number(attrs.get('i'))
  // A server nonce must extend ours; the count is bounded both ways (RFC 7677 §4: at least 4096).
  if (
    !r.startsWith(nonce) ||
    r.length <= nonce.length ||
    !salt.length ||
    !(iterations >= 4096 && iterations <= 10_000_000)
  ) {
    await x.respond('*', '* (exchange stopped)')
    return fail('protocol-error', {
      serverSays: serverFirst.slice(0, 200),
      detail: "the server's SCRAM challenge is malformed (nonce, salt or iteration count)"
    })
  }
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password.normalize('NFKC'), salt, iterations, 32, 'sha256', (e, k) => (e ? reject(e) : resolve(k)))
  )
  const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest()
  const clientKey = hmac(salted, 'Client Key')
  const withoutProof = `c=${b64(gs2)},r=${r}`
  const authMessage = `${bare},${serverFirst},${withoutProof}`
  const signature = hmac(createHash('sha256').update(clientKey).digest(), authMessage)
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!)).toString('base64')
  const expected = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')
  step = await x.respond(secretPayload(`${withoutProof},p=${proof}`), HIDDEN)
  if (step.kind === 'done') {
    if (step.ok)
      return fail('protocol-error', { detail: 'the server accepted SCRAM without proving it knows the password' })
    return step
  }
  const serverFinal = Buffer.from(step.data, 'base64').toString('utf8')
  if (serverFinal !== `v=${expected}`) {
    await x.respond('*', '* (exchange stopped)')
    return fail('protocol-error', {
      serverSays: serverFinal.slice(0, 200),
      detail: serverFinal.startsWith('e=')
        ? 'the server refused the SCRAM proof'
        : "the server's SCRAM signature is wrong: it does not know the password"
    })
  }
  step = await x.respond('', '(empty response: server signature checked)')
  return step.kind === 'done'
    ? step
    : fail('protocol-error', { detail: 'the server asked for more after SCRAM finished' })
}
