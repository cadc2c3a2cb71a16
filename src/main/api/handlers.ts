// The API's implementation: validation (in `dispatch`, with the zod contract) plus delegation.
// The setup flow (discover → plan → verify → save → report / export) is the setup session's
// (src/main/setup/); the other operations call their service. Each service loads when first
// called, so a door starts without compiling code it may never run. No handler asks which door
// it is behind: what differs is what the door's hooks can do (a save dialog, a system browser).
import {
  operations,
  type EventName,
  type EventPayload,
  type OperationName,
  type Request,
  type Response,
  type Result
} from '../../shared/api'
import { fail, toDiagnosis } from '../errors'
import { redactValue } from '../redact'
import type { Services } from '../services'
import { removePasswords } from '../credentials/entries'
import { detectClients, evolutionSourcesDir, thunderbirdProfiles, type DetectOptions } from '../clients/detect'
import { isAllowedExternalUrl } from '../../shared/external'
import { Setup, SetupContext } from '../setup'
import { diagnose } from '../../shared/diagnosis-catalog'
import type { BulkService } from '../helpdesk/bulk'
import type { SourceReport } from '../../shared/domain'
import type { HostCheck } from '../../shared/domain-health'
import { policyView, visibleFormats } from '../policy'
import { PolicyView } from '../../shared/policy'
import { writeUserFile } from '../files'

export interface DoorHooks {
  /** Which door, for appInfo only: behaviour follows the capabilities below, never this name. */
  door: 'window' | 'browser' | 'cli'
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void
  /** A native save dialog (the window); returns the chosen path or undefined if cancelled. */
  chooseSavePath?(defaultName: string): Promise<string | undefined>
  /**
   * Opens a URL in the system browser (already checked against the allow-list). A door without
   * it shows sign-in pages itself (browser mode opens a tab, the CLI prints the URL).
   */
  openExternal?(url: string): Promise<boolean>
  /**
   * Offers a file made as a stream for the page to fetch once (browser mode); returns its path
   * under the door. A door with a save dialog writes files itself instead.
   */
  offerDownload?(file: DownloadFile): string
  version: string
}

export interface DownloadFile {
  fileName: string
  mimeType: string
  body(): AsyncIterable<string>
}

type Handler<K extends OperationName> = (
  req: Response<K> extends never ? never : ParsedRequest<K>
) => Promise<Response<K>>
type ParsedRequest<K extends OperationName> = ReturnType<(typeof operations)[K]['request']['parse']>
export type Handlers = { [K in OperationName]: Handler<K> }

export function createHandlers(services: Services, hooks: DoorHooks): Handlers {
  const ctx = new SetupContext(services, (event, payload) => hooks.emit(event, payload), {
    // The CLI runs one command per process: its secrets end with it (setup/context.ts).
    scopeSecrets: hooks.door !== 'cli'
  })
  const setup = new Setup(ctx, { version: hooks.version })
  const { config } = services
  let bulkService: Promise<BulkService> | undefined
  const bulkOf = (): Promise<BulkService> =>
    (bulkService ??= import('../helpdesk/bulk').then(({ BulkService }) => new BulkService(services, process.env)))
  const clientOptions = (): DetectOptions => ({
    home: config.clientsHome,
    platform: process.platform,
    env: config.clientsEnv
  })

  return {
    async appInfo() {
      return {
        name: 'Mail Setup',
        version: hooks.version,
        door: hooks.door,
        platform: process.platform,
        keychainService: config.keychainService,
        canSaveFiles: Boolean(hooks.chooseSavePath)
      }
    },
    async policySummary() {
      // Parsed on the way out: only what the view's schema names leaves main, never OAuth settings.
      return PolicyView.parse(policyView(services.policy))
    },
    discover: (req) => setup.start(req),
    plan: (req) => setup.plan(req),
    prepare: (req) => setup.prepare(req),
    verify: (req) => setup.verify(req),
    discoverVerify: (req) => setup.discoverVerify(req),
    roundTrip: (req) => setup.roundTrip(req),
    saveAccount: (req) => setup.save(req),
    diagnosticReport: (req) => setup.report(req),
    exportProfile: (req) => setup.exportFile(req.accountId, req.format),
    saveExport: (req) => setup.saveExport(req, hooks.chooseSavePath?.bind(hooks)),

    async cancel(req) {
      return { cancelled: ctx.runs.cancel(req.runId) }
    },

    async listAccounts() {
      return services.accounts.list()
    },

    async removeAccount(req) {
      const account = await services.accounts.get(req.id)
      const removed = await services.accounts.remove(req.id)
      let keychain
      if (account && req.removeSecret) {
        keychain = await removePasswords(services.credentials, account)
        if (account.authKind === 'oauth2') await (await ctx.oauth()).forget(account.address, true)
      }
      return { removed, keychain }
    },

    async listFormats() {
      const { listFormats } = await import('../export')
      return { formats: visibleFormats(services.policy.rules, listFormats()) }
    },

    async detectClients() {
      return { clients: await detectClients(clientOptions()) }
    },

    async applyToClient(req) {
      const account = await services.accounts.get(req.accountId)
      if (!account) fail('internal', { detail: `no account ${req.accountId}` })
      // The export code (every format) loads only here and for exports, not at every start.
      const { applyToEvolution, applyToThunderbird } = await import('../clients/apply')
      if (req.client === 'evolution')
        return { applied: true, path: await applyToEvolution(account, evolutionSourcesDir(clientOptions())) }
      // Only a profile the detection found: the renderer never names a folder to write into.
      const profiles = await thunderbirdProfiles(clientOptions())
      const profile =
        profiles.find((p) => p.path === req.profile) ?? (req.profile ? undefined : profiles.find((p) => p.isDefault))
      if (!profile) fail('unsupported', { detail: 'no such Thunderbird profile on this computer' })
      return { applied: true, path: await applyToThunderbird(account, profile.path) }
    },

    async checkDomain(req) {
      const deadlineMs = req.deadlineMs ?? config.discoveryDeadlineMs
      const { domainCheck } = await import('../domain')
      const live = {
        onReport: (report: SourceReport) =>
          hooks.emit('domain', { kind: 'source', runId: req.runId, report: redactValue(report) }),
        onHost: (host: HostCheck) => hooks.emit('domain', { kind: 'host', runId: req.runId, host: redactValue(host) })
      }
      return ctx.withRun(req.runId, (signal) =>
        domainCheck(req, { config, dns: services.dns, ca: services.ca, signal, deadlineMs, ...live })
      )
    },

    async bulkAppend(req) {
      return (await bulkOf()).append(req)
    },

    async bulkOpen(req) {
      return (await bulkOf()).open(req)
    },

    async bulkStart(req) {
      // Answers at once (a long list outlasts any request); the end comes as an event.
      const bulk = await bulkOf()
      const list = bulk.accept(req)
      const { runId } = req
      void ctx
        .withRun(runId, (signal) =>
          bulk.run(runId, list, signal, (row) => hooks.emit('bulk', { kind: 'row', runId, row }))
        )
        .then(
          (summary) => hooks.emit('bulk', { kind: 'end', runId, summary }),
          (err: unknown) => hooks.emit('bulk', { kind: 'end', runId, error: redactValue(toDiagnosis(err)) })
        )
      return { rows: list.rows }
    },

    async bulkReport(req) {
      // Never one string: written from the state file to the chosen file, or streamed to the page.
      const file = (await bulkOf()).reportFile(req)
      if (hooks.chooseSavePath) {
        const path = await hooks.chooseSavePath(file.fileName)
        return path
          ? { fileName: file.fileName, saved: true, path: await writeUserFile(path, file.body()) }
          : { fileName: file.fileName, saved: false }
      }
      if (hooks.offerDownload) return { fileName: file.fileName, saved: false, download: hooks.offerDownload(file) }
      fail('unsupported', { detail: 'this door neither saves nor downloads files: use mail-setup check --csv' })
    },

    async oauthAvailability(req) {
      const { oauth2, providerId } = setup.oauthCandidate(req)
      return (await ctx.oauth()).availability({ oauth2, providerId })
    },

    async oauthBegin(req) {
      const { address, oauth2, providerId } = setup.oauthCandidate(req)
      // The run lives until the browser comes back, so cancel({runId}) stops the wait.
      const oauth = await ctx.oauth()
      const signal = ctx.runs.start(req.runId)
      let begun
      try {
        begun = await oauth.begin({
          address,
          oauth2,
          providerId,
          signal,
          onState: (state, sessionId) => hooks.emit('oauth', { sessionId, state })
        })
      } catch (err) {
        ctx.runs.end(req.runId, signal)
        throw err
      }
      void begun.settled.then(() => ctx.runs.end(req.runId, signal))
      // A door that can open the system browser does; browser mode opens a tab, the CLI prints the URL.
      let openedByMain = false
      if (hooks.openExternal) {
        if (!isAllowedExternalUrl(begun.authorizeUrl, await oauth.allowedOrigins())) {
          oauth.cancel(begun.sessionId)
          fail('unsupported', { protocol: 'oauth', detail: 'the sign-in page is not on the allow-list' })
        }
        openedByMain = await hooks.openExternal(begun.authorizeUrl)
      }
      return { sessionId: begun.sessionId, authorizeUrl: begun.authorizeUrl, openedByMain }
    },

    async oauthComplete(req) {
      return (await ctx.oauth()).complete(req.sessionId)
    },

    async openExternal(req) {
      const { externalOrigins } = await import('../external-origins')
      if (
        !isAllowedExternalUrl(req.url, await externalOrigins(config, await ctx.oauth(), services.policy)) ||
        !hooks.openExternal
      )
        return { opened: false }
      return { opened: await hooks.openExternal(req.url) }
    }
  }
}

/** Validates a raw request from any door, runs the handler, and returns a Result. */
export async function dispatch(handlers: Handlers, name: string, raw: unknown): Promise<Result<unknown>> {
  if (!Object.hasOwn(operations, name)) {
    return { ok: false, error: diagnose('unsupported', { detail: `unknown operation ${name.slice(0, 50)}` }) }
  }
  const op = name as OperationName
  // jitless: zod would otherwise compile a parser (new Function) per schema at its first use,
  // which costs more than it saves for the one request a CLI run or a click validates.
  const parsed = operations[op].request.safeParse(raw ?? {}, { jitless: true })
  if (!parsed.success) {
    return {
      ok: false,
      error: diagnose('internal', { detail: `invalid request: ${parsed.error.issues[0]?.message ?? ''}` })
    }
  }
  try {
    const handler = handlers[op] as (req: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: redactValue(toDiagnosis(err)) }
  }
}

export type { Request }
