// Export registry: every format, what it supports, and the checks every export passes
// before its module runs (valid account, supported protocol and sign-in, no plaintext password).
import { Account, type ExportFile, type ExportFormatId, type ExportFormatInfo } from '../../shared/account'
import { fail } from '../errors'
import { redact } from '../redact'
import { aerc } from './aerc'
import { autoconfig } from './autoconfig'
import { autodiscoverPox } from './autodiscover'
import { cardJson, cardMarkdown } from './card'
import { claws } from './claws'
import { slug, type Exporter, type ExportOptions } from './common'
import { evolution } from './evolution'
import { fetchmail } from './fetchmail'
import { k9s } from './k9s'
import { mbsync } from './mbsync'
import { mobileconfig } from './mobileconfig'
import { msmtp } from './msmtp'
import { mutt } from './mutt'
import { prf } from './prf'
import { qrPng, qrSvg } from './qr'
import { userjs } from './userjs'

export type { ExportOptions } from './common'

const EXPORTERS: Exporter[] = [
  autoconfig,
  userjs,
  qrPng,
  qrSvg,
  mobileconfig,
  prf,
  autodiscoverPox,
  evolution,
  k9s,
  mutt,
  aerc,
  mbsync,
  msmtp,
  fetchmail,
  claws,
  cardMarkdown,
  cardJson
]

const BY_ID = new Map(EXPORTERS.map((e) => [e.info.id, e]))

export function listFormats(): ExportFormatInfo[] {
  return EXPORTERS.map((e) => ({ ...e.info, clients: [...e.info.clients], supports: { ...e.info.supports } }))
}

const CONTROL = /[\u0000-\u001f\u007f]/
const PASSWORD_METHODS = new Set(['password-cleartext', 'password-encrypted'])

/** The reasons a format refuses an account, before anything is written. */
function check(exporter: Exporter, raw: Account): Account {
  const parsed = Account.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return fail('internal', { detail: `invalid account: ${issue?.path.join('.')} ${issue?.message}` })
  }
  const account = parsed.data
  const { id, supports } = exporter.info
  const incoming = account.incoming.protocol
  if (incoming === 'smtp' || account.outgoing.protocol !== 'smtp') {
    fail('unsupported', { detail: 'an account needs an IMAP or POP3 incoming server and an SMTP outgoing server' })
  }
  if (!supports[incoming]) {
    fail('unsupported', {
      detail: `${exporter.info.name} does not support ${incoming.toUpperCase()} accounts`,
      params: { format: id, protocol: incoming }
    })
  }
  if (account.authKind === 'oauth2' && !supports.oauth2) {
    fail('unsupported', {
      detail: `${exporter.info.name} cannot sign in with OAuth2`,
      params: { format: id, protocol: 'oauth2' }
    })
  }
  if (CONTROL.test(account.address))
    fail('address-invalid', { detail: 'control characters in the address', params: { problem: 'control-characters' } })
  for (const server of [account.incoming, account.outgoing]) {
    if (CONTROL.test(server.username)) {
      fail('unsupported', {
        detail: `control characters in the ${server.protocol} user name cannot be written to a config file`
      })
    }
    // A password must never travel unencrypted, so no profile may set that up.
    const sendsPassword =
      account.authKind === 'password' && PASSWORD_METHODS.has(server.auth.find((m) => m !== 'oauth2') ?? '')
    if (server.security === 'plain' && sendsPassword) {
      fail('plaintext-refused', {
        protocol: server.protocol,
        host: server.host,
        port: server.port,
        detail: 'password sign-in over an unencrypted connection'
      })
    }
  }
  return account
}

export async function exportAccount(
  account: Account,
  format: ExportFormatId,
  opts: ExportOptions
): Promise<ExportFile> {
  const exporter = BY_ID.get(format)
  if (!exporter) return fail('unsupported', { detail: `unknown export format ${String(format).slice(0, 50)}` })
  const checked = check(exporter, account)
  const rendered = await exporter.render(checked, opts)
  const encoding = rendered.encoding ?? 'utf8'
  // Guard, not filter: an export that would carry a known secret is refused, never altered.
  if (encoding === 'utf8' && redact(rendered.content) !== rendered.content) {
    fail('internal', { detail: `the ${format} export would contain a secret` })
  }
  return {
    format,
    fileName: fileName(checked, exporter),
    mimeType: exporter.info.mimeType,
    encoding,
    content: rendered.content
  }
}

/** Per-account file names, except where the client needs a fixed one. */
function fileName(account: Account, exporter: Exporter): string {
  const fixed = new Set<ExportFormatId>(['thunderbird-autoconfig', 'thunderbird-userjs', 'autodiscover-pox'])
  if (fixed.has(exporter.info.id)) return exporter.info.fileName
  return `${slug(account.address)}-${exporter.info.fileName}`
}
