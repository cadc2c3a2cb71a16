// SASL initial responses shared by the IMAP, POP3 and SMTP sign-ins. Every payload that
// carries a secret is registered with the redaction function before it can be written.
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

export async function oauthPayload(user: string, accessToken: () => Promise<string>, mechanisms: string[]): Promise<{ mech: string; payload: string }> {
  const token = await accessToken()
  registerSecret(token)
  const mech = oauthMechanism(mechanisms)
  return { mech, payload: mech === 'OAUTHBEARER' ? oauthBearer(user, token) : xoauth2(user, token) }
}

/** What the transcript shows in place of a secret. */
export const HIDDEN = '••••••'
