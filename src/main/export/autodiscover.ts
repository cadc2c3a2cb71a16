// Autodiscover POX response for admins: served at https://autodiscover.<domain>/autodiscover/
// autodiscover.xml it lets Outlook (classic and new) find IMAP/POP and SMTP settings.
// Implicit TLS is SSL=on + Encryption=SSL, STARTTLS is SSL=on + Encryption=TLS.
import type { ServerSettings } from '../../shared/domain'
import { displayName, xmlEscape as x, type Exporter } from './common'

const TYPE = { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' } as const
const ENCRYPTION = { tls: 'SSL', starttls: 'TLS', plain: 'None' } as const

function protocol(s: ServerSettings, sameLogin: boolean): string[] {
  const spa = s.auth[0] === 'ntlm' || s.auth[0] === 'gssapi'
  const authRequired = !s.auth.every((m) => m === 'none' || m === 'client-ip')
  const lines = [
    '      <Protocol>',
    `        <Type>${TYPE[s.protocol]}</Type>`,
    `        <Server>${x(s.host)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    `        <LoginName>${x(s.username)}</LoginName>`,
    `        <SPA>${spa ? 'on' : 'off'}</SPA>`,
    `        <SSL>${s.security === 'plain' ? 'off' : 'on'}</SSL>`,
    `        <Encryption>${ENCRYPTION[s.security]}</Encryption>`,
    `        <AuthRequired>${authRequired ? 'on' : 'off'}</AuthRequired>`
  ]
  if (s.protocol === 'smtp') lines.push(`        <UsePOPAuth>${authRequired && sameLogin ? 'on' : 'off'}</UsePOPAuth>`, '        <SMTPLast>off</SMTPLast>')
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
    const name = displayName(account)
    const same = account.incoming.username === account.outgoing.username
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
      ...protocol(account.incoming, same),
      ...protocol(account.outgoing, same),
      '    </Account>',
      '  </Response>',
      '</Autodiscover>',
      ''
    ]
    return { content: lines.join('\n') }
  }
}
