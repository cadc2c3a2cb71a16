// Thunderbird "export for mobile" QR code (format version 1), read by Thunderbird for
// Android's "Import from Thunderbird desktop". JSON of positional arrays, no password,
// error correction L; host names and addresses must be ASCII.
import type { Account } from '../../shared/account'
import type { AuthMethod, ServerSettings } from '../../shared/domain'
import { fail } from '../errors'
import { asciiAddress, authFor, displayName, isAscii, needsAuth, type Exporter, type Rendered } from './common'

// The format also numbers GSSAPI (3) and NTLM (4), but Thunderbird for Android's reader refuses
// an account with either (IntValueMapper.toAuthenticationType): the next method the server
// offers is written instead, or the export says it cannot be made.
const AUTH: Partial<Record<AuthMethod, number>> = {
  none: 0,
  'client-ip': 0,
  'password-cleartext': 1,
  'password-encrypted': 2,
  oauth2: 6
}
const SECURITY = { plain: 0, starttls: 2, tls: 3 } as const
/** Larger codes get hard to scan; Thunderbird splits accounts at about this size. */
export const QR_MAX_CHARS = 800

function serverArray(account: Account, s: ServerSettings): Array<string | number> {
  const auth = needsAuth(account, s) ? authFor(account, s, AUTH, 'Thunderbird QR code') : 0
  return [s.host, s.port, SECURITY[s.security], auth, auth === 0 ? '' : s.username]
}

/** The QR payload text (exported for tests and for the wizard's on-screen code). */
export function qrPayload(account: Account): string {
  const email = asciiAddress(account.address)
  if (!isAscii(email)) {
    fail('unsupported', {
      detail: 'the Thunderbird QR code carries ASCII addresses only',
      params: { format: 'thunderbird-qr' }
    })
  }
  const proto = account.incoming.protocol === 'imap' ? 0 : 1
  const payload = [
    1,
    [1, 1],
    [proto, ...serverArray(account, account.incoming)],
    [
      [
        [0, ...serverArray(account, account.outgoing)],
        [email, displayName(account)]
      ]
    ]
  ]
  const text = JSON.stringify(payload)
  if (text.length > QR_MAX_CHARS) {
    fail('unsupported', { detail: `settings too long for one QR code (${text.length} > ${QR_MAX_CHARS} characters)` })
  }
  return text
}

const OPTIONS = { errorCorrectionLevel: 'L' as const, margin: 4 }

// qrcode is loaded only when a code is drawn: listing formats or other exports never need it.
const qrcode = async (): Promise<typeof import('qrcode')> => (await import('qrcode')).default

async function png(account: Account): Promise<Rendered> {
  const buf = await (await qrcode()).toBuffer(qrPayload(account), { ...OPTIONS, type: 'png', scale: 8 })
  return { content: buf.toString('base64'), encoding: 'base64' }
}

async function svg(account: Account): Promise<Rendered> {
  return { content: await (await qrcode()).toString(qrPayload(account), { ...OPTIONS, type: 'svg' }) }
}

const info = {
  name: 'Thunderbird for Android QR code',
  clients: ['Thunderbird for Android'],
  supports: { imap: true, pop3: true, oauth2: true }
}

export const qrPng: Exporter = {
  info: {
    ...info,
    id: 'thunderbird-qr-png',
    name: `${info.name} (PNG)`,
    fileName: 'thunderbird-qr.png',
    mimeType: 'image/png'
  },
  render: png
}

export const qrSvg: Exporter = {
  info: {
    ...info,
    id: 'thunderbird-qr-svg',
    name: `${info.name} (SVG)`,
    fileName: 'thunderbird-qr.svg',
    mimeType: 'image/svg+xml'
  },
  render: svg
}
