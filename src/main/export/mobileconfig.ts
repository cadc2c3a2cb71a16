// Apple configuration profile (.mobileconfig) for Mail on iOS, iPadOS and macOS.
// Unsigned and without a password: the device asks for it when the profile is installed.
// The identifiers derive from the account id, so a re-export replaces the installed profile.
import type { AuthMethod } from '../../shared/domain'
import { authFor, displayName, needsAuth, slug, stableUuid, xmlEscape as x, type Exporter } from './common'

const AUTH: Partial<Record<AuthMethod, string>> = {
  'password-cleartext': 'EmailAuthPassword',
  'password-encrypted': 'EmailAuthCRAMMD5',
  ntlm: 'EmailAuthNTLM',
  none: 'EmailAuthNone',
  'client-ip': 'EmailAuthNone'
}

type PValue = string | number | boolean

function entry(key: string, value: PValue, indent: string): string[] {
  const v =
    typeof value === 'boolean'
      ? `<${value}/>`
      : typeof value === 'number'
        ? `<integer>${value}</integer>`
        : `<string>${x(value)}</string>`
  return [`${indent}<key>${key}</key>`, `${indent}${v}`]
}

function dict(values: Array<[string, PValue]>, indent: string): string[] {
  return values.flatMap(([k, v]) => entry(k, v, indent))
}

export const mobileconfig: Exporter = {
  info: {
    id: 'apple-mobileconfig',
    name: 'Apple configuration profile (.mobileconfig)',
    clients: ['Apple Mail (macOS)', 'Mail (iOS, iPadOS)'],
    fileName: 'account.mobileconfig',
    mimeType: 'application/x-apple-aspen-config',
    supports: { imap: true, pop3: true, oauth2: false }
  },
  render(account) {
    const inc = account.incoming
    const out = account.outgoing
    const id = `org.mailsetup.${slug(account.address).replace(/[^a-z0-9.-]/g, '-')}`
    const name = displayName(account)
    const outAuth = needsAuth(account, out) ? authFor(account, out, AUTH, 'Apple profile') : 'EmailAuthNone'
    const mail: Array<[string, PValue]> = [
      ['PayloadType', 'com.apple.mail.managed'],
      ['PayloadVersion', 1],
      ['PayloadIdentifier', `${id}.mail`],
      ['PayloadUUID', stableUuid(account, 'apple-mail')],
      ['PayloadDisplayName', account.address],
      ['EmailAccountType', inc.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP'],
      [
        'EmailAccountDescription',
        account.providerName ? `${account.address} (${account.providerName})` : account.address
      ],
      ['EmailAccountName', name],
      ['EmailAddress', account.address],
      ['IncomingMailServerHostName', inc.host],
      ['IncomingMailServerPortNumber', inc.port],
      // Apple has no STARTTLS switch: UseSSL on with the STARTTLS port means STARTTLS.
      ['IncomingMailServerUseSSL', inc.security !== 'plain'],
      ['IncomingMailServerUsername', inc.username],
      ['IncomingMailServerAuthentication', authFor(account, inc, AUTH, 'Apple profile')],
      ['OutgoingMailServerHostName', out.host],
      ['OutgoingMailServerPortNumber', out.port],
      ['OutgoingMailServerUseSSL', out.security !== 'plain'],
      ['OutgoingMailServerAuthentication', outAuth],
      ...(outAuth === 'EmailAuthNone'
        ? []
        : ([['OutgoingMailServerUsername', out.username]] as Array<[string, PValue]>)),
      ['OutgoingPasswordSameAsIncomingPassword', outAuth !== 'EmailAuthNone' && out.username === inc.username]
    ]
    const top: Array<[string, PValue]> = [
      ['PayloadType', 'Configuration'],
      ['PayloadVersion', 1],
      ['PayloadIdentifier', id],
      ['PayloadUUID', stableUuid(account, 'apple-profile')],
      ['PayloadDisplayName', `Mail: ${account.address}`],
      ['PayloadDescription', `Mail account settings for ${account.address}, made by Mail Setup.`],
      ['PayloadRemovalDisallowed', false]
    ]
    // CalDAV and CardDAV accounts beside mail, where the settings named them (Apple's payloads).
    const dav = (['caldav', 'carddav'] as const).flatMap((kind) => {
      const url = account.services?.[kind]
      if (!url) return []
      const u = new URL(url)
      const P = kind === 'caldav' ? 'CalDAV' : 'CardDAV'
      const values: Array<[string, PValue]> = [
        ['PayloadType', `com.apple.${kind}.account`],
        ['PayloadVersion', 1],
        ['PayloadIdentifier', `${id}.${kind}`],
        ['PayloadUUID', stableUuid(account, `apple-${kind}`)],
        ['PayloadDisplayName', `${P}: ${account.address}`],
        [`${P}AccountDescription`, account.address],
        [`${P}HostName`, u.hostname],
        [`${P}Port`, Number(u.port) || 443],
        [`${P}PrincipalURL`, url],
        [`${P}UseSSL`, true],
        [`${P}Username`, inc.username]
      ]
      return ['    <dict>', ...dict(values, '      '), '    </dict>']
    })
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
      '<dict>',
      '  <key>PayloadContent</key>',
      '  <array>',
      '    <dict>',
      ...dict(mail, '      '),
      '    </dict>',
      ...dav,
      '  </array>',
      ...dict(top, '  '),
      '</dict>',
      '</plist>',
      ''
    ]
    return { content: lines.join('\n') }
  }
}
