// The one contract between the wizard and the main side. Every door (Electron IPC,
// the browser-mode HTTP server, the CLI) serves exactly these operations and events,
// and every request is validated with these schemas on the main side.
import { z } from 'zod'
import { EVENT_NAMES, OPERATION_NAMES } from './api-names'
import { Account, ExportFile, ExportFormatId, ExportFormatInfo, KeychainStatus } from './account'
import { Diagnosis } from './diagnosis'
import { DetectedClient } from './clients'
import { DomainHealth, HostCheck, PublishFiles, RecheckRow } from './domain-health'
import { BulkPreview, BulkReport, BulkRow, BulkSummary, MAX_WIZARD_LIST } from './bulk-check'
import { DiscoveryResult, IncomingProtocol, OAuth2Settings, ServerSettings, SourceReport, Candidate } from './domain'
import { Credentials, HostException, Probe, RoundTripResult, VerifyResult } from './verify'

const runId = z.string().min(1).max(100)
const address = z.string().min(1).max(400)

export const operations = {
  appInfo: {
    request: z.object({}),
    response: z.object({
      name: z.string(),
      version: z.string(),
      door: z.enum(['window', 'browser']),
      platform: z.string(),
      keychainService: z.string(),
      /** The window can show a save dialog; browser mode downloads instead. */
      canSaveFiles: z.boolean()
    })
  },
  discover: {
    request: z.object({
      runId,
      address,
      offline: z.boolean().optional(),
      deadlineMs: z.number().int().min(100).max(120_000).optional(),
      /**
       * For Exchange Autodiscover only, which may ask for the mailbox's credentials: sent
       * over HTTPS within the address's domain, never to any other source.
       */
      credentials: Credentials.optional()
    }),
    response: DiscoveryResult
  },
  /** Cancels a discover, verify, round trip or OAuth run by its id. */
  cancel: {
    request: z.object({ runId }),
    response: z.object({ cancelled: z.boolean() })
  },
  verify: {
    request: z.object({
      runId,
      address,
      /** Incoming and outgoing entries to try, best first; the service probes them in parallel. */
      incoming: z.array(ServerSettings).max(32),
      outgoing: z.array(ServerSettings).max(32),
      credentials: Credentials,
      exceptions: z.array(HostException).max(64).default([])
    }),
    response: VerifyResult
  },
  /**
   * discover and verify in one run: each trusted candidate's servers are checked the moment
   * the search names them (main/verify/pipeline.ts). Servers no trusted source names get the
   * password only with `acceptUntrusted`, and only when the search found nothing trusted.
   */
  discoverVerify: {
    request: z.object({
      runId,
      address,
      /** As for verify (an OAuth sign-in needs a candidate's settings first: discover, then verify). */
      credentials: Credentials,
      /** The incoming protocols to check, best first. */
      protocols: z.array(IncomingProtocol).min(1).max(2),
      /** A user name that replaces the candidates' (the wizard's sign-in step). */
      username: z.string().min(1).max(400).optional(),
      /** Servers the user gave for one side: they replace the candidates' for that side. */
      incoming: z.array(ServerSettings).max(32).optional(),
      outgoing: z.array(ServerSettings).max(32).optional(),
      acceptUntrusted: z.boolean().default(false),
      exceptions: z.array(HostException).max(64).default([])
    }),
    response: z.object({
      discovery: DiscoveryResult,
      /** The candidate whose servers were chosen. */
      candidateId: z.string().optional(),
      /** Missing when nothing was checked (see `unconfirmed`, or no candidate offered the protocols). */
      verify: VerifyResult.optional(),
      /** Only settings nothing vouches for were found, and no consent was given. */
      unconfirmed: Diagnosis.optional()
    })
  },
  roundTrip: {
    request: z.object({
      runId,
      address,
      incoming: ServerSettings,
      outgoing: ServerSettings,
      credentials: Credentials,
      exceptions: z.array(HostException).max(64).default([])
    }),
    response: RoundTripResult
  },
  saveAccount: {
    request: z.object({
      account: Account.omit({ id: true, createdAt: true, updatedAt: true }).extend({
        id: z.string().max(200).optional()
      }),
      /** Store the password given earlier in this session in the system keychain. */
      storePassword: z.boolean()
    }),
    response: z.object({ account: Account, keychain: KeychainStatus })
  },
  listAccounts: {
    request: z.object({}),
    response: z.object({ accounts: z.array(Account), problem: Diagnosis.optional() })
  },
  removeAccount: {
    request: z.object({ id: z.string().max(200), removeSecret: z.boolean().default(true) }),
    response: z.object({ removed: z.boolean(), keychain: KeychainStatus.optional() })
  },
  listFormats: {
    request: z.object({}),
    response: z.object({ formats: z.array(ExportFormatInfo) })
  },
  exportProfile: {
    request: z.object({ accountId: z.string().max(200), format: ExportFormatId }),
    response: ExportFile
  },
  /** Mail programs found on this computer (Thunderbird with its profiles, Evolution, Outlook, Apple Mail). */
  detectClients: {
    request: z.object({}),
    response: z.object({ clients: z.array(DetectedClient) })
  },
  /**
   * Writes a saved account into a mail program directly: Thunderbird (a profile detectClients
   * found, Thunderbird closed) or Evolution (its sources folder).
   */
  applyToClient: {
    request: z.object({ accountId: z.string().max(200), client: z.enum(['thunderbird', 'evolution']), profile: z.string().max(4096).optional() }),
    response: z.object({ applied: z.boolean(), path: z.string() })
  },
  /** Window only: asks where to save and writes the file atomically. */
  saveExport: {
    request: z.object({ file: ExportFile }),
    response: z.object({ saved: z.boolean(), path: z.string().optional() })
  },
  diagnosticReport: {
    request: z.object({
      address,
      discovery: DiscoveryResult.optional(),
      verify: VerifyResult.optional()
    }),
    response: z.object({ text: z.string(), fileName: z.string() })
  },
  /**
   * The domain check for IT teams: every source, every named server (no sign-in), findings;
   * with confirmed servers, what to publish for them and whether what is live names them.
   */
  checkDomain: {
    request: z.object({
      runId,
      domain: z.string().min(1).max(253),
      deadlineMs: z.number().int().min(100).max(120_000).optional(),
      servers: z.array(ServerSettings).max(16).optional(),
      username: z.enum(['address', 'local']).default('address')
    }),
    response: z.object({ health: DomainHealth, publish: PublishFiles.optional(), recheck: z.array(RecheckRow).optional() })
  },
  /** Reads an accounts list for a bulk check on the main side and says what it would use (no password). */
  bulkOpen: {
    request: z.object({ fileName: z.string().max(255), csv: z.string().max(MAX_WIZARD_LIST) }),
    response: BulkPreview
  },
  /**
   * Starts checking every account of an opened list and answers at once; rows and the end
   * arrive as `bulk` events, and cancel({runId}) ends it keeping what was done. A command runs
   * only if listed in confirmedCommands exactly; a plain password column is read only with
   * allowPlainPasswords (docs/helpdesk.md).
   */
  bulkStart: {
    request: z.object({
      runId,
      listId: z.string().max(100),
      allowPlainPasswords: z.boolean(),
      confirmedCommands: z.array(z.string().max(4096)).max(64)
    }),
    response: z.object({ rows: z.number().int() })
  },
  /** The CSV or HTML report of a bulk run (finished or cancelled), redacted on the main side. */
  bulkReport: {
    request: z.object({ runId, format: z.enum(['csv', 'html']) }),
    response: BulkReport
  },
  /** Whether browser sign-in can work for these settings: a client ID exists (shipped or from policy). */
  oauthAvailability: {
    request: z.object({ oauth2: OAuth2Settings.optional(), providerId: z.string().max(100).optional() }),
    response: z.object({
      available: z.boolean(),
      via: z.enum(['shipped', 'policy', 'registration']).optional(),
      providerName: z.string(),
      providerId: z.string().optional()
    })
  },
  oauthBegin: {
    request: z.object({ runId, address, oauth2: OAuth2Settings.optional(), providerId: z.string().max(100).optional() }),
    response: z.object({ sessionId: z.string(), authorizeUrl: z.string(), openedByMain: z.boolean() })
  },
  oauthComplete: {
    request: z.object({ sessionId: z.string().max(200) }),
    response: z.object({ sessionId: z.string(), username: z.string().optional() })
  },
  openExternal: {
    request: z.object({ url: z.string().url().max(2048) }),
    response: z.object({ opened: z.boolean() })
  }
} as const

export type OperationName = keyof typeof operations
export type Request<K extends OperationName> = z.input<(typeof operations)[K]['request']>
export type Response<K extends OperationName> = z.output<(typeof operations)[K]['response']>

/** Errors travel as values: a typed diagnosis, never a thrown string. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: Diagnosis }

export const events = {
  discovery: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('source'), runId, report: SourceReport }),
    z.object({ kind: z.literal('candidate'), runId, candidate: Candidate })
  ]),
  verify: z.object({ runId, probe: Probe }),
  roundTrip: z.object({
    runId,
    stage: z.enum(['sending', 'sent', 'waiting', 'delivered', 'removing', 'done', 'failed'])
  }),
  oauth: z.object({ sessionId: z.string(), state: z.enum(['waiting', 'exchanging', 'done', 'failed']) }),
  /** A domain check's sources and servers as each is known. */
  domain: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('source'), runId, report: SourceReport }),
    z.object({ kind: z.literal('host'), runId, host: HostCheck })
  ]),
  bulk: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('row'), runId, row: BulkRow }),
    z.object({ kind: z.literal('end'), runId, summary: BulkSummary.optional(), error: Diagnosis.optional() })
  ])
} as const

export type EventName = keyof typeof events
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>

/** What the renderer sees, whichever door it is behind. */
export type MailSetupApi = {
  [K in OperationName]: (request: Request<K>) => Promise<Result<Response<K>>>
} & {
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
}

// The zod-free name lists must list exactly the contract's operations and events.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const namesMatch: Same<(typeof OPERATION_NAMES)[number], OperationName> & Same<(typeof EVENT_NAMES)[number], EventName> = true
void namesMatch
