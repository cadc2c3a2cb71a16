// Outlook (classic, Windows) profile file, imported with `outlook.exe /importprf <file>`.
// ModifyDefaultProfileIfPresent=TRUE adds the account to the default profile, whatever its
// name, so it shows up where the user already works; only with no profile at all does Outlook
// create one named "Outlook" (and make it the default). OverwriteProfile=Append keeps every
// account already there. Without a password; Outlook asks on first connect.
// Written as UTF-16LE with a BOM when a value is not ASCII (Windows reads ANSI otherwise).
import type { Account } from '../../shared/account'
import { displayName, isAscii, needsAuth, oneLine, type Exporter } from './common'

// 0 none, 1 SSL/TLS, 2 STARTTLS: Outlook's "encrypted connection" choices.
const SECURE = { plain: 0, tls: 1, starttls: 2 } as const

const MAPPING_IMAP = [
  '[IMAP_I_Mail]',
  'AccountType=IMAP',
  'AccountName=PT_UNICODE,0x0002',
  'DisplayName=PT_UNICODE,0x000B',
  'EmailAddress=PT_UNICODE,0x000C',
  'IMAPServer=PT_UNICODE,0x0100',
  'IMAPUserName=PT_UNICODE,0x0101',
  'IMAPUseSPA=PT_LONG,0x0108',
  'ReplyEmailAddress=PT_UNICODE,0x0103',
  'IMAPPort=PT_LONG,0x0104',
  'IMAPUseSSL=PT_LONG,0x0105',
  'SMTPServer=PT_UNICODE,0x0200',
  'SMTPUseAuth=PT_LONG,0x0203',
  'SMTPAuthMethod=PT_LONG,0x0208',
  'SMTPUserName=PT_UNICODE,0x0204',
  'SMTPUseSPA=PT_LONG,0x0207',
  'SMTPPort=PT_LONG,0x0201',
  'SMTPSecureConnection=PT_LONG,0x020A',
  'CheckNewImap=PT_LONG,0x1100',
  'RootFolder=PT_UNICODE,0x1101'
]
const MAPPING_POP = [
  '[I_Mail]',
  'AccountType=POP3',
  'AccountName=PT_UNICODE,0x0002',
  'DisplayName=PT_UNICODE,0x000B',
  'EmailAddress=PT_UNICODE,0x000C',
  'POP3Server=PT_UNICODE,0x0100',
  'POP3UserName=PT_UNICODE,0x0101',
  'POP3UseSPA=PT_LONG,0x0108',
  'ReplyEmailAddress=PT_UNICODE,0x0103',
  'POP3Port=PT_LONG,0x0104',
  'POP3UseSSL=PT_LONG,0x0105',
  'SMTPServer=PT_UNICODE,0x0200',
  'SMTPUseAuth=PT_LONG,0x0203',
  'SMTPAuthMethod=PT_LONG,0x0208',
  'SMTPUserName=PT_UNICODE,0x0204',
  'SMTPUseSPA=PT_LONG,0x0207',
  'SMTPPort=PT_LONG,0x0201',
  'SMTPSecureConnection=PT_LONG,0x020A',
  'LeaveOnServer=PT_LONG,0x1000'
]

/** INI values run to the end of the line: one line, no leading/trailing blanks. */
const v = (text: string): string => oneLine(text)

export function prfText(account: Account): string {
  const inc = account.incoming
  const out = account.outgoing
  const imap = inc.protocol === 'imap'
  const p = imap ? 'IMAP' : 'POP3'
  const spa = (auth: string[]) => (auth[0] === 'ntlm' ? 1 : 0)
  const smtpAuth = needsAuth(account, out)
  const lines = [
    `; Mail Setup: Outlook profile settings for ${v(account.address)}`,
    '; Import with: outlook.exe /importprf <this file>',
    '[General]',
    'Custom=1',
    'ProfileName=Outlook',
    'DefaultProfile=Yes',
    'OverwriteProfile=Append',
    'ModifyDefaultProfileIfPresent=TRUE',
    '',
    '[Internet Account List]',
    `Account1=${imap ? 'IMAP_I_Mail' : 'I_Mail'}`,
    '',
    '[Account1]',
    'UniqueService=No',
    `AccountName=${v(account.address)}`,
    `DisplayName=${v(displayName(account))}`,
    `EmailAddress=${v(account.address)}`,
    `${p}Server=${inc.host}`,
    `${p}UserName=${v(inc.username)}`,
    `${p}UseSPA=${spa(inc.auth)}`,
    `${p}Port=${inc.port}`,
    `${p}UseSSL=${SECURE[inc.security]}`,
    `SMTPServer=${out.host}`,
    `SMTPUseAuth=${smtpAuth ? 1 : 0}`,
    // 1: same sign-in as incoming; 2: sign in with SMTPUserName.
    `SMTPAuthMethod=${!smtpAuth ? 0 : out.username === inc.username ? 1 : 2}`,
    `SMTPUserName=${smtpAuth ? v(out.username) : ''}`,
    `SMTPUseSPA=${spa(out.auth)}`,
    `SMTPPort=${out.port}`,
    `SMTPSecureConnection=${SECURE[out.security]}`
  ]
  if (!imap) lines.push(`LeaveOnServer=${inc.pop3?.leaveOnServer === false ? 0 : 1}`)
  lines.push('', ...(imap ? MAPPING_IMAP : MAPPING_POP), '')
  return lines.join('\r\n')
}

export const prf: Exporter = {
  info: {
    id: 'outlook-prf',
    name: 'Outlook profile file (.prf, classic Outlook for Windows)',
    clients: ['Outlook (classic, Windows)'],
    fileName: 'outlook.prf',
    mimeType: 'application/octet-stream',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const text = prfText(account)
    if (isAscii(text)) return { content: text }
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    return { content: utf16.toString('base64'), encoding: 'base64' }
  }
}
