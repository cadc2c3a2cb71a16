// A set-up account as it is kept and exported. Never holds a secret.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { DiagnosisCode } from './diagnosis'
import { ExtraServices, OAuth2Settings, ServerSettings, SourceId, SpecialFolders } from './domain'

export const Account = lazySchema(() =>
  z.object({
    id: z.string().min(1).max(200),
    address: z.string().min(3).max(320),
    displayName: z.string().max(200),
    incoming: ServerSettings,
    outgoing: ServerSettings,
    /** How the account signs in. */
    authKind: z.enum(['password', 'oauth2']),
    oauth2: OAuth2Settings.extend({ providerId: z.string().max(100).optional() }).optional(),
    source: SourceId.optional(),
    providerName: z.string().max(200).optional(),
    /** CalDAV, CardDAV (and JMAP) URLs the settings came with, carried into exports that use them. */
    services: ExtraServices.optional(),
    /** The IMAP server's special-use folders, from the check (exports name them where they can). */
    folders: SpecialFolders.optional(),
    verifiedAt: z.string().optional(),
    /**
     * Whether the system keychain held the account's secret (password or OAuth sign-in) when it
     * was saved. false: saved without it (no keychain, or not asked to keep it); the mail client
     * or the next sign-in asks. Absent in files written before this field.
     */
    secretStored: z.boolean().optional(),
    createdAt: z.string(),
    updatedAt: z.string()
  })
)
export type Account = z.infer<typeof Account>

export const KeychainStatus = lazySchema(() =>
  z.object({
    stored: z.boolean(),
    /**
     * Diagnosis code when not stored: the keychain group (keychain-unavailable, -locked, -denied)
     * or oauth-required.
     */
    code: DiagnosisCode.optional(),
    service: z.string().max(200).optional(),
    /** Diagnosis params for the code's words (e.g. what to install when keytar is not built). */
    params: z.record(z.string(), z.string().max(500)).optional()
  })
)
export type KeychainStatus = z.infer<typeof KeychainStatus>

export const ExportFormatId = lazySchema(() =>
  z.enum([
    'thunderbird-autoconfig',
    'thunderbird-userjs',
    'thunderbird-qr-png',
    'thunderbird-qr-svg',
    'apple-mobileconfig',
    'outlook-prf',
    'autodiscover-pox',
    'evolution',
    'k9s',
    'mutt',
    'aerc',
    'mbsync',
    'msmtp',
    'fetchmail',
    'claws-mail',
    'card-markdown',
    'card-json'
  ])
)
export type ExportFormatId = z.infer<typeof ExportFormatId>

export const ExportFormatInfo = lazySchema(() =>
  z.object({
    id: ExportFormatId,
    /** Name of the client or format, for display. */
    name: z.string(),
    clients: z.array(z.string()),
    fileName: z.string(),
    mimeType: z.string(),
    supports: z.object({ imap: z.boolean(), pop3: z.boolean(), oauth2: z.boolean() })
  })
)
export type ExportFormatInfo = z.infer<typeof ExportFormatInfo>

export const ExportFile = lazySchema(() =>
  z.object({
    format: ExportFormatId,
    fileName: z.string().max(255),
    mimeType: z.string().max(100),
    encoding: z.enum(['utf8', 'base64']),
    content: z.string().max(10_000_000)
  })
)
export type ExportFile = z.infer<typeof ExportFile>
