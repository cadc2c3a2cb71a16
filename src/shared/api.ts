// The one contract between the wizard and the main side. Every door (Electron IPC,
// the browser-mode HTTP server, the CLI) serves exactly these operations and events,
// and every request is validated with these schemas on the main side.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { EVENT_NAMES, OPERATION_NAMES } from './api-names'
import { Account, ExportFile, ExportFormatId, ExportFormatInfo, KeychainStatus } from './account'
import { Diagnosis } from './diagnosis'
import { DetectedClient } from './clients'
import { DomainHealth, HostCheck, PublishFiles, RecheckRow } from './domain-health'
import { BulkPreview, BulkReport, BulkRow, BulkSummary, MAX_WIZARD_PIECE } from './bulk-check'
import { DiscoveryResult, IncomingProtocol, ServerSettings, SourceReport, Candidate } from './domain'
import { PolicyView } from './policy'
import { Credentials, HostException, Probe, RoundTripResult, VerifyResult } from './verify'
import { SetupChoices } from './setup'

const runId = lazySchema(() => z.string().min(1).max(100))
const address = lazySchema(() => z.string().min(1).max(400))
/** A setup session in main (src/main/setup/): what it found and verified stays there, under this id. */
const sessionId = lazySchema(() => z.string().min(1).max(100))
/**
 * Servers the user typed (the manual step, the CLI's --incoming/--outgoing): user input, so they
 * may travel. What discovery found never comes back this way: the client names a candidate by id.
 */
const typedServers = {
  incoming: lazySchema(() => z.array(ServerSettings).max(32).optional()),
  outgoing: lazySchema(() => z.array(ServerSettings).max(32).optional())
}
/** Which session: one discover started, or a new one for servers typed for this address. */
const sessionOrAddress = {
  sessionId: lazySchema(() => sessionId.optional()),
  address: lazySchema(() => address.optional())
}
const needsSession = (r: { sessionId?: string; address?: string }): boolean => Boolean(r.sessionId || r.address)
const sessionMessage = { message: 'a sessionId or an address is required' }

/** A session's (or an address's) choices: what plan and prepare both take. */
const choicesRequest = lazySchema(() =>
  z
    .object({ ...sessionOrAddress, choices: SetupChoices.default({}), ...typedServers })
    .strict()
    .refine(needsSession, sessionMessage)
)

export const operations = {
  appInfo: {
    request: lazySchema(() => z.object({})),
    response: lazySchema(() =>
      z.object({
        name: z.string(),
        version: z.string(),
        door: z.enum(['window', 'browser', 'cli']),
        platform: z.string(),
        keychainService: z.string(),
        /** The window can show a save dialog; browser mode downloads instead. */
        canSaveFiles: z.boolean()
      })
    )
  },
  /**
   * The organisation's policy as the wizard shows it (src/main/policy/ enforces it): who manages
   * this computer, whom to ask, what is locked, allowed or hidden, and a file that could not be used.
   */
  policySummary: {
    request: lazySchema(() => z.object({}).strict()),
    response: PolicyView
  },
  /** start(address): a new setup session (or a new search in this one) and what discovery found. */
  discover: {
    request: lazySchema(() =>
      z.object({
        runId,
        address,
        /** Search again within this session (e.g. with the password Exchange asked for). */
        sessionId: sessionId.optional(),
        offline: z.boolean().optional(),
        deadlineMs: z.number().int().min(100).max(120_000).optional(),
        /**
         * For Exchange Autodiscover only, which may ask for the mailbox's credentials: sent
         * over HTTPS within the address's domain, never to any other source.
         */
        credentials: Credentials.optional()
      })
    ),
    response: lazySchema(() => DiscoveryResult.extend({ sessionId }))
  },
  /** plan(choices): the servers the session will check (or save unchecked), as a view. */
  plan: {
    request: choicesRequest,
    response: lazySchema(() =>
      z.object({ sessionId, incoming: z.array(ServerSettings), outgoing: z.array(ServerSettings) })
    )
  },
  /**
   * prepare(choices): while the user types the password, opens the connections a check with
   * these choices tries first, up to their sign-in and with no credential (verify/warm.ts); the
   * next verify of the session signs in on them. Changes nothing in the session's record.
   */
  prepare: {
    request: choicesRequest,
    response: lazySchema(() => z.object({ sessionId, opening: z.number().int().min(0) }))
  },
  /** Cancels a discover, verify, round trip or OAuth run by its id. */
  cancel: {
    request: lazySchema(() => z.object({ runId })),
    response: lazySchema(() => z.object({ cancelled: z.boolean() }))
  },
  /**
   * verify(credentials): plans with the choices, then probes the planned servers (best first, in
   * parallel). Main keeps the result in the session; save and report read it from there.
   */
  verify: {
    request: lazySchema(() =>
      z
        .object({
          runId,
          ...sessionOrAddress,
          choices: SetupChoices.default({}),
          ...typedServers,
          credentials: Credentials,
          exceptions: z.array(HostException).max(64).default([])
        })
        .strict()
        .refine(needsSession, sessionMessage)
    ),
    response: lazySchema(() => VerifyResult.extend({ sessionId }))
  },
  /**
   * discover and verify in one run: each trusted candidate's servers are checked the moment
   * the search names them (main/verify/pipeline.ts). Servers no trusted source names get the
   * password only with `acceptUntrusted`, and only when the search found nothing trusted.
   * start + plan + verify of the setup session in one: main keeps what it found and checked.
   */
  discoverVerify: {
    request: lazySchema(() =>
      z.object({
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
      })
    ),
    response: lazySchema(() =>
      z.object({
        sessionId,
        discovery: DiscoveryResult,
        /** The candidate whose servers were chosen. */
        candidateId: z.string().optional(),
        /** Missing when nothing was checked (see `unconfirmed`, or no candidate offered the protocols). */
        verify: VerifyResult.optional(),
        /** Only settings nothing vouches for were found, and no consent was given. */
        unconfirmed: Diagnosis.optional()
      })
    )
  },
  /** Sends a test message and reads it back: the session's verified servers, or one typed pair. */
  roundTrip: {
    request: lazySchema(() =>
      z
        .object({
          runId,
          ...sessionOrAddress,
          incoming: ServerSettings.optional(),
          outgoing: ServerSettings.optional(),
          /** Default: the credentials the session verified with. */
          credentials: Credentials.optional(),
          exceptions: z.array(HostException).max(64).optional()
        })
        .strict()
        .refine(needsSession, sessionMessage)
    ),
    response: RoundTripResult
  },
  /**
   * save(options): main builds the account from what this session verified (servers, username
   * form, folders, source) and stamps the time itself. Nothing here names a server: a request
   * carrying one is refused by the contract.
   */
  saveAccount: {
    request: lazySchema(() =>
      z
        .object({
          sessionId,
          displayName: z.string().max(200).default(''),
          /** Store the password given earlier in this session in the system keychain. */
          storePassword: z.boolean(),
          /**
           * Save the planned servers without a check (no verifiedAt): settings for a mail program that
           * signs in itself, or servers typed for an export. authKind says how that program signs in.
           */
          unchecked: z.boolean().optional(),
          authKind: z.enum(['password', 'oauth2']).optional()
        })
        .strict()
    ),
    response: lazySchema(() => z.object({ account: Account, keychain: KeychainStatus }))
  },
  listAccounts: {
    request: lazySchema(() => z.object({})),
    response: lazySchema(() => z.object({ accounts: z.array(Account), problem: Diagnosis.optional() }))
  },
  removeAccount: {
    request: lazySchema(() => z.object({ id: z.string().max(200), removeSecret: z.boolean().default(true) })),
    response: lazySchema(() => z.object({ removed: z.boolean(), keychain: KeychainStatus.optional() }))
  },
  listFormats: {
    request: lazySchema(() => z.object({})),
    response: lazySchema(() => z.object({ formats: z.array(ExportFormatInfo) }))
  },
  exportProfile: {
    request: lazySchema(() => z.object({ accountId: z.string().max(200), format: ExportFormatId })),
    response: ExportFile
  },
  /** Mail programs found on this computer (Thunderbird with its profiles, Evolution, Outlook, Apple Mail). */
  detectClients: {
    request: lazySchema(() => z.object({})),
    response: lazySchema(() => z.object({ clients: z.array(DetectedClient) }))
  },
  /**
   * Writes a saved account into a mail program directly: Thunderbird (a profile detectClients
   * found, Thunderbird closed) or Evolution (its sources folder).
   */
  applyToClient: {
    request: lazySchema(() =>
      z.object({
        accountId: z.string().max(200),
        client: z.enum(['thunderbird', 'evolution']),
        profile: z.string().max(4096).optional()
      })
    ),
    response: lazySchema(() => z.object({ applied: z.boolean(), path: z.string() }))
  },
  /** Window only: asks where to save, exports the saved account again and writes the file atomically. */
  saveExport: {
    request: lazySchema(() => z.object({ accountId: z.string().max(200), format: ExportFormatId }).strict()),
    response: lazySchema(() => z.object({ saved: z.boolean(), path: z.string().optional() }))
  },
  /** report(): built from the session's own record of what it found and checked. */
  diagnosticReport: {
    request: lazySchema(() => z.object({ sessionId }).strict()),
    response: lazySchema(() => z.object({ text: z.string(), fileName: z.string() }))
  },
  /**
   * The domain check for IT teams: every source, every named server (no sign-in), findings;
   * with confirmed servers, what to publish for them and whether what is live names them.
   */
  checkDomain: {
    request: lazySchema(() =>
      z.object({
        runId,
        domain: z.string().min(1).max(253),
        deadlineMs: z.number().int().min(100).max(120_000).optional(),
        servers: z.array(ServerSettings).max(16).optional(),
        username: z.enum(['address', 'local']).default('address')
      })
    ),
    response: lazySchema(() =>
      z.object({
        health: DomainHealth,
        publish: PublishFiles.optional(),
        recheck: z.array(RecheckRow).optional()
      })
    )
  },
  /** A piece of an accounts list, appended to main's copy (a first piece, without uploadId, starts one). */
  bulkAppend: {
    request: lazySchema(() =>
      z.object({ uploadId: z.string().max(100).optional(), piece: z.string().max(MAX_WIZARD_PIECE) })
    ),
    response: lazySchema(() => z.object({ uploadId: z.string(), bytes: z.number().int() }))
  },
  /** Reads an uploaded accounts list on the main side, as a stream, and says what it would use (no password). */
  bulkOpen: {
    request: lazySchema(() => z.object({ fileName: z.string().max(255), uploadId: z.string().max(100) })),
    response: BulkPreview
  },
  /**
   * Starts checking every account of an opened list and answers at once; rows and the end
   * arrive as `bulk` events, and cancel({runId}) ends it keeping what was done. A command runs
   * only if listed in confirmedCommands exactly; a plain password column is read only with
   * allowPlainPasswords (docs/helpdesk.md). With resume, a stopped run of the list goes on.
   */
  bulkStart: {
    request: lazySchema(() =>
      z.object({
        runId,
        listId: z.string().max(100),
        allowPlainPasswords: z.boolean(),
        confirmedCommands: z.array(z.string().max(4096)).max(64),
        /** Checks only the rows a stopped run of this list did not finish, under that run's consent. */
        resume: z.boolean().default(false)
      })
    ),
    response: lazySchema(() => z.object({ rows: z.number().int() }))
  },
  /** The CSV or HTML report of a bulk run (finished or cancelled), redacted on the main side. */
  bulkReport: {
    request: lazySchema(() => z.object({ runId, format: z.enum(['csv', 'html']) })),
    response: BulkReport
  },
  /**
   * Whether browser sign-in can work for a candidate this session's discovery found: a client ID
   * exists (shipped or from policy). Main reads the candidate's issuer and provider itself: a request
   * carrying settings is refused by the contract.
   */
  oauthAvailability: {
    request: lazySchema(() => z.object({ sessionId, candidateId: z.string().min(1).max(200) }).strict()),
    response: lazySchema(() =>
      z.object({
        available: z.boolean(),
        via: z.enum(['shipped', 'policy', 'registration']).optional(),
        providerName: z.string(),
        providerId: z.string().optional()
      })
    )
  },
  oauthBegin: {
    /** The sign-in for the session's address with the named candidate's issuer (read in main). */
    request: lazySchema(() => z.object({ runId, sessionId, candidateId: z.string().min(1).max(200) }).strict()),
    response: lazySchema(() => z.object({ sessionId: z.string(), authorizeUrl: z.string(), openedByMain: z.boolean() }))
  },
  oauthComplete: {
    request: lazySchema(() => z.object({ sessionId: z.string().max(200) })),
    response: lazySchema(() => z.object({ sessionId: z.string(), username: z.string().optional() }))
  },
  openExternal: {
    request: lazySchema(() => z.object({ url: z.string().url().max(2048) })),
    response: lazySchema(() => z.object({ opened: z.boolean() }))
  }
} as const

export type OperationName = keyof typeof operations
export type Request<K extends OperationName> = z.input<(typeof operations)[K]['request']>
export type Response<K extends OperationName> = z.output<(typeof operations)[K]['response']>

/** Errors travel as values: a typed diagnosis, never a thrown string. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: Diagnosis }

export const events = {
  discovery: lazySchema(() =>
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('source'), runId, report: SourceReport }),
      z.object({ kind: z.literal('candidate'), runId, candidate: Candidate })
    ])
  ),
  verify: lazySchema(() => z.object({ runId, probe: Probe })),
  roundTrip: lazySchema(() =>
    z.object({
      runId,
      stage: z.enum(['sending', 'sent', 'waiting', 'delivered', 'removing', 'done', 'failed'])
    })
  ),
  oauth: lazySchema(() =>
    z.object({ sessionId: z.string(), state: z.enum(['waiting', 'exchanging', 'done', 'failed']) })
  ),
  /** A domain check's sources and servers as each is known. */
  domain: lazySchema(() =>
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('source'), runId, report: SourceReport }),
      z.object({ kind: z.literal('host'), runId, host: HostCheck })
    ])
  ),
  bulk: lazySchema(() =>
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('row'), runId, row: BulkRow }),
      z.object({ kind: z.literal('end'), runId, summary: BulkSummary.optional(), error: Diagnosis.optional() })
    ])
  )
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
const namesMatch: Same<(typeof OPERATION_NAMES)[number], OperationName> &
  Same<(typeof EVENT_NAMES)[number], EventName> = true
void namesMatch
