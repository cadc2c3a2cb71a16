// Autodiscover POX response for admins: served at https://autodiscover.<domain>/autodiscover/
// autodiscover.xml it lets Outlook (classic and new) find IMAP/POP and SMTP settings.
// Implicit TLS is SSL=on + Encryption=SSL, STARTTLS is SSL=on + Encryption=TLS.
import type { ServerSettings } from '../../shared/domain'
import { displayName, xmlEscape as x, type Exporter } from './common'

const TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const
const ENCRYPTION = { tls: 'SSL', starttls: 'TLS', plain: 'None' } as const

/** One Protocol entry; without a login name Outlook signs in with the email address. */
export interface PoxServer {
  settings: ServerSettings
  loginName?: string
}

function protocol({ settings: s, loginName }: PoxServer, sameLogin: boolean): string[] {
  const spa = s.auth[0] === 'ntlm' || s.auth[0] === 'gssapi'
  const authRequired = !s.auth.every((m) => m === 'none' || m === 'client-ip')
  const lines = [
    '      <Protocol>',
    `        <Type>${TYPE[s.protocol]}</Type>`,
    `        <Server>${x(s.host)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    ...(loginName === undefined ? [] : [`        <LoginName>${x(loginName)}</LoginName>`]),
    `        <SPA>${spa ? 'on' : 'off'}</SPA>`,
    `        <SSL>${s.security === 'plain' ? 'off' : 'on'}</SSL>`,
    `        <Encryption>${ENCRYPTION[s.security]}</Encryption>`,
    `        <AuthRequired>${authRequired ? 'on' : 'off'}</AuthRequired>`
  ]
  if (s.protocol === 'smtp')
    lines.push(
      `        <UsePOPAuth>${authRequired && sameLogin ? 'on' : 'off'}</UsePOPAuth>`,
      '        <SMTPLast>off</SMTPLast>'
    )
  lines.push('      </Protocol>')
  return lines
}

export const autodiscoverPox: Exporter = {
  info: {
    id: 'autodiscover-pox',
    name: 'Autodiscover response (POX) for administrators',
    clients: ['Outlook (classic)', 'Outlook (new)', 'Exchange-compatible clients'],
    fileName: 'autodiscover.xml',
    mimeType: 'application/xml',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const same = account.incoming.username === account.outgoing.username
    const entry = (s: ServerSettings): PoxServer => ({ settings: s, loginName: s.username })
    return { content: poxDocument(displayName(account), [entry(account.incoming), entry(account.outgoing)], same) }
  }
}

/** A whole POX response: the export writes one for an account, the domain check one for a domain. */
export function poxDocument(name: string, servers: PoxServer[], sameLogin: boolean): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">',
    '    <User>',
    `      <DisplayName>${x(name)}</DisplayName>`,
    '    </User>',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...servers.flatMap((e) => protocol(e, sameLogin)),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    ''
  ]
  return lines.join('\n')
}
