// Domain types shared by every process. Zod schemas are the source of truth;
// the TypeScript types are inferred from them so they cannot drift apart.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { SOURCE_REASONS } from './source-reason'

/** How a connection is protected: implicit TLS, upgraded with STARTTLS/STLS, or none. */
export const Security = lazySchema(() => z.enum(['tls', 'starttls', 'plain']))
export type Security = z.infer<typeof Security>

export const IncomingProtocol = lazySchema(() => z.enum(['imap', 'pop3']))
export type IncomingProtocol = z.infer<typeof IncomingProtocol>
export const Protocol = lazySchema(() => z.enum(['imap', 'pop3', 'smtp']))
export type Protocol = z.infer<typeof Protocol>

/** Authentication methods, named after the autoconfig vocabulary. */
export const AuthMethod = lazySchema(() =>
  z.enum([
    'password-cleartext',
    'password-encrypted',
    'oauth2',
    'ntlm',
    'gssapi',
    'client-ip',
    'none',
    /** SASL SCRAM-SHA-256 (RFC 7677), as autoconfig 1.2 names it with system="sasl". */
    'scram-sha-256',
    /** SCRAM-SHA-256 with TLS channel binding. */
    'scram-sha-256-plus'
  ])
)
export type AuthMethod = z.infer<typeof AuthMethod>

const host = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'host name in ASCII (punycode) form')
)

export const Pop3Options = lazySchema(() =>
  z.object({
    leaveOnServer: z.boolean(),
    daysToLeave: z.number().int().min(0).max(36500).optional()
  })
)
export type Pop3Options = z.infer<typeof Pop3Options>

/**
 * Mailboxes the IMAP server marks with RFC 6154 special-use attributes (\Sent, \Drafts, …),
 * by full name in UTF-8, found while the check was signed in.
 */
const mailboxName = lazySchema(() => z.string().min(1).max(300))
export const SpecialFolders = lazySchema(() =>
  z.object({
    sent: mailboxName.optional(),
    drafts: mailboxName.optional(),
    trash: mailboxName.optional(),
    junk: mailboxName.optional(),
    archive: mailboxName.optional(),
    /**
     * The hierarchy separator the server gave (LIST's delimiter) for these names: "INBOX.Sent" on a
     * Cyrus with "." is the folder Sent under INBOX. Absent: a flat server (NIL), or saved before.
     */
    separator: z.string().length(1).optional()
  })
)
export type SpecialFolders = z.infer<typeof SpecialFolders>

/** One server entry: everything a client needs to connect, minus the secret. */
export const ServerSettings = lazySchema(() =>
  z.object({
    protocol: Protocol,
    host,
    port: z.number().int().min(1).max(65535),
    security: Security,
    username: z.string().min(1).max(320),
    auth: z.array(AuthMethod).min(1).max(8),
    pop3: Pop3Options.optional(),
    /**
     * Nobody named the user name (guessing, SRV, settings given without one): it is the address,
     * and the sign-in may also try the local part (verify/username-forms.ts). Never set on a
     * user name the user typed or a trusted configuration named.
     */
    usernameGuessed: z.boolean().optional(),
    /** The host itself is a guess (discovery/sources/guess.ts): nothing published it. */
    guessed: z.boolean().optional()
  })
)
export type ServerSettings = z.infer<typeof ServerSettings>

export const SourceId = lazySchema(() =>
  z.enum([
    'builtin',
    'local-file',
    'autoconfig-https',
    'autoconfig-http',
    'ispdb',
    'mx',
    'srv',
    'autodiscover',
    'guess',
    'manual',
    /** draft-ietf-mailmaint-pacc: a JSON file whose SHA-256 the domain publishes in DNS. */
    'pacc'
  ])
)
export type SourceId = z.infer<typeof SourceId>

/** Why a candidate is trusted or needs the user's confirmation (a code, never prose). */
export const TrustReason = lazySchema(() =>
  z.enum([
    'builtin',
    'local-file',
    'https-in-domain',
    /** Fetched over HTTPS from the configured ISPDB (a curated database, not the domain itself). */
    'ispdb',
    'srv-in-domain',
    'mx-known-provider',
    'manual',
    'plain-http',
    'redirect-other-domain',
    'srv-other-domain',
    'mx-other-domain',
    'guess',
    /** PACC: the file's SHA-256 matches the digest the domain publishes in a TXT record. */
    'pacc-digest'
  ])
)
export type TrustReason = z.infer<typeof TrustReason>

export const Trust = lazySchema(() =>
  z.object({
    level: z.enum(['trusted', 'confirm']),
    reason: TrustReason,
    /** The host, URL or domain the reason is about, for display. */
    subject: z.string().max(2048).optional()
  })
)
export type Trust = z.infer<typeof Trust>

/** OAuth2 settings as an autoconfig `oAuth2` element or the provider table gives them. */
export const OAuth2Settings = lazySchema(() =>
  z.object({
    issuer: z.string().max(2048),
    scope: z.string().max(2048),
    authURL: z.string().url().max(2048).optional(),
    tokenURL: z.string().url().max(2048).optional()
  })
)
export type OAuth2Settings = z.infer<typeof OAuth2Settings>

const httpsUrl = lazySchema(() =>
  z
    .string()
    .max(2048)
    .regex(/^https:\/\/[^\s]+$/, 'https URL')
)

/**
 * Services beside mail that a source named (PACC `protocols`, autoconfig 1.2 root-level
 * entries, JMAP incoming servers): shown, and carried into exports whose clients use them.
 */
export const ExtraServices = lazySchema(() =>
  z.object({
    jmap: httpsUrl.optional(),
    caldav: httpsUrl.optional(),
    carddav: httpsUrl.optional()
  })
)
export type ExtraServices = z.infer<typeof ExtraServices>

/** A set of server settings found by one source, ranked against the others. */
/**
 * What the provider table (resources/providers.json) says about the provider these settings
 * belong to, whichever source found them: the wizard's sign-in advice comes from here.
 */
export const ProviderFacts = lazySchema(() =>
  z.object({
    /** The table's id (also an alias the OAuth table knows). */
    id: z.string().max(100),
    name: z.string().max(200),
    /** Locale key group of the advice: signin.hint.<advice>, signin.appPassword.provider.<advice>. */
    advice: z
      .string()
      .max(50)
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    /** The provider's own page for creating an app password. */
    appPasswordUrl: httpsUrl.optional(),
    /** false: mail programs cannot sign in with a password here (browser sign-in or nothing). */
    passwords: z.literal(false).optional(),
    /** The provider signs in through the browser (OAuth2) too. */
    oauth: z.literal(true).optional()
  })
)
export type ProviderFacts = z.infer<typeof ProviderFacts>

export const Candidate = lazySchema(() =>
  z.object({
    id: z.string().max(200),
    source: SourceId,
    trust: Trust,
    /** Higher is better. The orchestrator sorts by it. */
    score: z.number(),
    providerId: z.string().max(200).optional(),
    providerName: z.string().max(200).optional(),
    /** IMAP and/or POP3 entries in the provider's order of preference. */
    incoming: z.array(ServerSettings).max(32),
    /** SMTP entries in order of preference. */
    outgoing: z.array(ServerSettings).max(32),
    oauth2: OAuth2Settings.optional(),
    documentationUrl: z.string().max(2048).optional(),
    /** The provider's logo (PACC `info.provider.logo`), https only. */
    logoUrl: httpsUrl.optional(),
    services: ExtraServices.optional(),
    provider: ProviderFacts.optional()
  })
)
export type Candidate = z.infer<typeof Candidate>

export const SourceState = lazySchema(() => z.enum(['started', 'found', 'nothing', 'failed', 'timeout', 'skipped']))
export type SourceState = z.infer<typeof SourceState>

/** What one discovery source did, for the live list and the report. */
export const SourceReport = lazySchema(() =>
  z.object({
    source: SourceId,
    state: SourceState,
    /** Why for failed/nothing/skipped (source-reason.ts; words in every locale file). */
    reason: z.enum(SOURCE_REASONS).optional(),
    /** Human-readable detail (URL tried, HTTP status, …); never contains secrets. */
    detail: z.string().max(2000).optional(),
    candidates: z.number().int().min(0).optional(),
    ms: z.number().min(0).optional()
  })
)
export type SourceReport = z.infer<typeof SourceReport>

export const DiscoveryResult = lazySchema(() =>
  z.object({
    address: z.string(),
    domain: z.string(),
    candidates: z.array(Candidate),
    sources: z.array(SourceReport),
    ms: z.number()
  })
)
export type DiscoveryResult = z.infer<typeof DiscoveryResult>
