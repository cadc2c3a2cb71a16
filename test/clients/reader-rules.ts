// The rules the readers of our client-less formats apply, written down as data so a wrong key,
// type or value fails a test. Facts only, taken from each project's published schema or reader
// (read, not copied); each table names the file and commit it comes from.

/** Thunderbird for Android (thunderbird/thunderbird-android @ a59bd679859d369c9a39be147e536b825ffd0a6b). */
export const K9S = {
  source: {
    repo: 'thunderbird/thunderbird-android',
    commit: 'a59bd679859d369c9a39be147e536b825ffd0a6b',
    files: [
      'legacy/core/src/main/java/com/fsck/k9/preferences/SettingsFileParser.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/SettingsExporter.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/ServerSettingsDescriptions.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/ServerSettingsValidator.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/ServerTypeConverter.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/AccountSettingsDescriptions.java',
      'legacy/core/src/main/java/com/fsck/k9/preferences/AccountSettingsValidator.kt',
      'legacy/core/src/main/java/com/fsck/k9/preferences/Settings.java',
      'feature/mail/folder/api/src/commonMain/kotlin/net/thunderbird/feature/mail/folder/api/SpecialFolderSelection.kt',
      'legacy/core/src/main/java/com/fsck/k9/mailstore/DefaultSpecialFolderUpdater.kt',
      'mail/protocols/imap/src/main/java/com/fsck/k9/mail/store/imap/RealImapStore.kt'
    ]
  },
  /** SettingsExporter.FILE_FORMAT_VERSION: any other `format` is refused. */
  fileFormat: '1',
  /** Settings.VERSION: the newest content version the app knows (older ones are upgraded). */
  latestContentVersion: 111,
  /** ServerTypeConverter: the export type is the protocol in upper case. */
  incomingTypes: ['IMAP', 'POP3'],
  outgoingTypes: ['SMTP'],
  /** Elements SettingsFileParser.readServerSettings reads; others are skipped. */
  serverElements: [
    'host',
    'port',
    'connection-security',
    'authentication-type',
    'username',
    'client-cert-alias',
    'password',
    'extra'
  ],
  /** ServerSettingsDescriptions at content version 92+ (connection security) and 95+ (authentication). */
  connectionSecurity: ['NONE', 'STARTTLS_REQUIRED', 'SSL_TLS_REQUIRED'],
  authenticationTypes: ['PLAIN', 'CRAM_MD5', 'EXTERNAL', 'XOAUTH2', 'NONE'],
  /** IntegerRangeSetting(1, 65535) */
  port: { min: 1, max: 65535 },
  /**
   * AccountSettingsDescriptions: the account keys we write and the values each takes. A key not
   * in the table is dropped on import; a value outside it falls back to the default (for
   * deletePolicy, NEVER: mail deleted on the phone would stay on the server).
   */
  accountSettings: {
    deletePolicy: ['NEVER', 'DELETE', 'MARK_AS_READ'],
    archiveFolderName: 'string',
    draftsFolderName: 'string',
    sentFolderName: 'string',
    spamFolderName: 'string',
    trashFolderName: 'string',
    archiveFolderSelection: ['AUTOMATIC', 'MANUAL'],
    draftsFolderSelection: ['AUTOMATIC', 'MANUAL'],
    sentFolderSelection: ['AUTOMATIC', 'MANUAL'],
    spamFolderSelection: ['AUTOMATIC', 'MANUAL'],
    trashFolderSelection: ['AUTOMATIC', 'MANUAL']
  } as Record<string, string[] | 'string'>,
  /** Which special-use attribute each folder key follows (RealImapStore: \Junk is the spam folder). */
  folderKeys: {
    archive: 'archiveFolder',
    drafts: 'draftsFolder',
    sent: 'sentFolder',
    junk: 'spamFolder',
    trash: 'trashFolder'
  }
} as const

/** Thunderbird's "export for mobile" QR code, as Thunderbird for Android reads it (same commit). */
export const QR = {
  source: {
    repo: 'thunderbird/thunderbird-android',
    commit: 'a59bd679859d369c9a39be147e536b825ffd0a6b',
    files: [
      'feature/migration/qrcode/qr-code-format.md',
      'feature/migration/qrcode/src/main/kotlin/app/k9mail/feature/migration/qrcode/payload/QrCodePayloadValidator.kt',
      'feature/migration/qrcode/src/main/kotlin/app/k9mail/feature/migration/qrcode/payload/IntValueMapper.kt'
    ]
  },
  formatVersion: 1,
  incomingProtocols: [0, 1],
  outgoingProtocols: [0],
  /** 1 is "legacy, do not use": a writer must not write it. */
  connectionSecurity: [0, 2, 3],
  /** 3 (GSSAPI) and 4 (NTLM) are numbered by the format but refused by the reader. */
  authenticationTypes: [0, 1, 2, 5, 6],
  port: { min: 1, max: 65535 },
  /** Username, account name, password and display name: no line break. */
  lineBreak: /[\r\n]/,
  /** Host names and addresses are ASCII only (IDN in ACE form). */
  ascii: /^[\x20-\x7e]*$/
} as const

type PlistType = 'string' | 'integer' | 'boolean'
interface PlistKey {
  type: PlistType
  required?: boolean
  values?: Array<string | number>
}

const APPLE_SOURCE = {
  repo: 'apple/device-management',
  commit: 'b6202ca2fbd31286a52eb160b67a4db7b4fe1f1f',
  files: [
    'mdm/profiles/TopLevel.yaml',
    'mdm/profiles/CommonPayloadKeys.yaml',
    'mdm/profiles/com.apple.mail.managed.yaml',
    'mdm/profiles/com.apple.caldav.account.yaml',
    'mdm/profiles/com.apple.carddav.account.yaml'
  ]
}

const COMMON: Record<string, PlistKey> = {
  PayloadIdentifier: { type: 'string', required: true },
  PayloadUUID: { type: 'string', required: true },
  PayloadType: { type: 'string', required: true },
  PayloadVersion: { type: 'integer', required: true, values: [1] },
  PayloadDescription: { type: 'string' },
  PayloadDisplayName: { type: 'string' },
  PayloadOrganization: { type: 'string' }
}

const EMAIL_AUTH = ['EmailAuthNone', 'EmailAuthPassword', 'EmailAuthCRAMMD5', 'EmailAuthNTLM', 'EmailAuthHTTPMD5']

/** Apple's device-management schema: the keys each payload type takes (scalar keys only). */
export const APPLE = {
  source: APPLE_SOURCE,
  topLevel: {
    ...COMMON,
    PayloadType: { type: 'string', required: true, values: ['Configuration'] },
    IsEncrypted: { type: 'boolean' },
    HasRemovalPasscode: { type: 'boolean' },
    PayloadRemovalDisallowed: { type: 'boolean' },
    PayloadScope: { type: 'string', values: ['System', 'User'] },
    TargetDeviceType: { type: 'integer', values: [0, 1, 2, 3, 4, 5, 6] }
  } as Record<string, PlistKey>,
  payloads: {
    'com.apple.mail.managed': {
      ...COMMON,
      EmailAccountDescription: { type: 'string' },
      EmailAccountName: { type: 'string' },
      EmailAccountType: { type: 'string', required: true, values: ['EmailTypeIMAP', 'EmailTypePOP'] },
      EmailAddress: { type: 'string' },
      IncomingMailServerAuthentication: { type: 'string', required: true, values: EMAIL_AUTH },
      IncomingMailServerHostName: { type: 'string', required: true },
      IncomingMailServerPortNumber: { type: 'integer' },
      IncomingMailServerUseSSL: { type: 'boolean' },
      IncomingMailServerUsername: { type: 'string' },
      IncomingMailServerIMAPPathPrefix: { type: 'string' },
      IncomingPassword: { type: 'string' },
      OutgoingPassword: { type: 'string' },
      OutgoingPasswordSameAsIncomingPassword: { type: 'boolean' },
      OutgoingMailServerAuthentication: { type: 'string', required: true, values: EMAIL_AUTH },
      OutgoingMailServerHostName: { type: 'string', required: true },
      OutgoingMailServerPortNumber: { type: 'integer' },
      OutgoingMailServerUseSSL: { type: 'boolean' },
      OutgoingMailServerUsername: { type: 'string' },
      PreventMove: { type: 'boolean' },
      PreventAppSheet: { type: 'boolean' },
      SMIMEEnabled: { type: 'boolean' },
      disableMailRecentsSyncing: { type: 'boolean' },
      allowMailDrop: { type: 'boolean' },
      VPNUUID: { type: 'string' }
    },
    'com.apple.caldav.account': {
      ...COMMON,
      CalDAVAccountDescription: { type: 'string' },
      CalDAVHostName: { type: 'string', required: true },
      CalDAVUsername: { type: 'string' },
      CalDAVPassword: { type: 'string' },
      CalDAVPrincipalURL: { type: 'string' },
      CalDAVUseSSL: { type: 'boolean' },
      CalDAVPort: { type: 'integer' }
    },
    'com.apple.carddav.account': {
      ...COMMON,
      CardDAVAccountDescription: { type: 'string' },
      CardDAVHostName: { type: 'string', required: true },
      CardDAVUsername: { type: 'string' },
      CardDAVPassword: { type: 'string' },
      CardDAVPrincipalURL: { type: 'string' },
      CardDAVUseSSL: { type: 'boolean' },
      CardDAVPort: { type: 'integer' }
    }
  } as Record<string, Record<string, PlistKey>>
}

/** The keys of a plist dict that break the schema: unknown, wrong type, missing, or out of range. */
export function plistProblems(
  dict: Record<string, unknown>,
  schema: Record<string, PlistKey>,
  skip: string[] = []
): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(dict)) {
    if (skip.includes(key)) continue
    const rule = schema[key]
    if (!rule) {
      problems.push(`${key}: not in the schema`)
      continue
    }
    const type = typeof value === 'boolean' ? 'boolean' : Number.isInteger(value) ? 'integer' : typeof value
    if (type !== rule.type) problems.push(`${key}: ${type}, the schema says ${rule.type}`)
    if (rule.values && !rule.values.includes(value as string | number))
      problems.push(`${key}: ${String(value)} not in ${rule.values.join(', ')}`)
  }
  for (const [key, rule] of Object.entries(schema))
    if (rule.required && !(key in dict)) problems.push(`${key}: required, missing`)
  return problems
}

/**
 * Outlook's PRF layout as the Office Customization Tool writes it and Outlook's /importprf reads
 * it (documented at slipstick.com "Understanding an Outlook Profile file (PRF)" and
 * outlook-tips.net "prf_listing"): section 1 [General], section 3 [Internet Account List],
 * section 5 one [AccountN] per account, section 6 the property mapping of each account type.
 */
export const PRF = {
  source: [
    'https://www.slipstick.com/outlook/config/understanding-microsoft-outlook-profile-file-prf/',
    'http://www.outlook-tips.net/howto/prf_listing.htm'
  ],
  general: {
    Custom: ['1'],
    ProfileName: 'string',
    DefaultProfile: ['Yes', 'No'],
    OverwriteProfile: ['Yes', 'No', 'Append'],
    ModifyDefaultProfileIfPresent: ['TRUE', 'FALSE'],
    BackupProfile: ['Yes', 'No'],
    DefaultStore: 'string'
  } as Record<string, string[] | 'string'>,
  /** Account types in [Internet Account List]: POP3, IMAP (and the retired HTTP). */
  accountTypes: { I_Mail: 'POP3', IMAP_I_Mail: 'IMAP', INET_HTTP: 'HTTP' } as Record<string, string>,
  /** A mapping line: Name=PT_TYPE,0xTAG. */
  mapping: /^PT_(UNICODE|STRING8|LONG|BOOLEAN),0x[0-9A-F]{4}$/
}
