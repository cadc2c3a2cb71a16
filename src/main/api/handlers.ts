// The API's implementation: one function per operation, over the shared services.
// Doors call `dispatch`, which validates the request and turns errors into values.
// Each operation loads its service when first called (discovery, verification, export,
// OAuth), so a door starts without compiling code it may never run.
import { randomUUID } from 'node:crypto'
import { operations, type EventName, type EventPayload, type OperationName, type Request, type Response, type Result } from '../../shared/api'
import type { Account } from '../../shared/account'
import type { Credentials } from '../../shared/verify'
import type { Candidate, IncomingProtocol, ServerSettings } from '../../shared/domain'
import { fail, toDiagnosis } from '../errors'
import { redactValue, withSecretScope } from '../redact'
import type { Services } from '../services'
import { Runs } from '../runs'
import type { Secret } from '../verify'
import { removePasswords, savePassword } from '../credentials/entries'
import { detectClients, evolutionSourcesDir, thunderbirdProfiles, type DetectOptions } from '../clients/detect'
import { applyToEvolution, applyToThunderbird } from '../clients/apply'
import { writeUserFile } from '../files'
import { normalizeAddress } from '../../shared/address'
import { isAllowedExternalUrl } from '../../shared/external'
import type { OAuthService } from '../oauth'
import { diagnose } from '../../shared/diagnosis-catalog'
import type { BulkService } from '../helpdesk/bulk'
import type { SourceReport } from '../../shared/domain'
import type { HostCheck } from '../../shared/domain-health'

export interface DoorHooks {
  door: 'window' | 'browser' | 'cli'
  emit<K extends EventName>(event: K, payload: EventPayload<K>): void
  /** Window only: a native save dialog; returns the chosen path or undefined if cancelled. */
  chooseSavePath?(defaultName: string): Promise<string | undefined>
  /** Opens a URL in the system browser (already checked against the allow-list). */
  openExternal?(url: string): Promise<boolean>
  version: string
}

type Handler<K extends OperationName> = (req: Response<K> extends never ? never : ParsedRequest<K>) => Promise<Response<K>>
type ParsedRequest<K extends OperationName> = ReturnType<(typeof operations)[K]['request']['parse']>
export type Handlers = { [K in OperationName]: Handler<K> }

export function createHandlers(services: Services, hooks: DoorHooks): Handlers {
  const runs = new Runs()
  const { config } = services
  let oauthService: Promise<OAuthService> | undefined
  const oauthOf = (): Promise<OAuthService> =>
    (oauthService ??= import('../oauth').then(({ OAuthService }) => new OAuthService({ config, dns: services.dns, ca: services.ca, credentials: services.credentials })))

  async function secretFor(address: string, credentials: Credentials): Promise<Secret> {
    switch (credentials.kind) {
      case 'password':
        services.secrets.setPassword(address, credentials.password)
        return { kind: 'password', password: credentials.password }
      case 'session': {
        const password = services.secrets.getPassword(address)
        if (!password) fail('auth-failed', { detail: 'no password given in this session' })
        return { kind: 'password', password }
      }
      case 'oauth2':
        // Refreshed when needed; oauth-required when this address has no sign-in.
        return (await oauthOf()).secret(credentials.sessionId, address)
      case 'none':
        return { kind: 'none' }
    }
  }

  /** The password Autodiscover may use, when the caller gave one (or one was given this session). */
  function discoveryPassword(address: string, credentials: Credentials | undefined): string | undefined {
    if (credentials?.kind === 'password') {
      services.secrets.setPassword(address, credentials.password)
      return credentials.password
    }
    return credentials?.kind === 'session' ? services.secrets.getPassword(address) : undefined
  }

  let bulkService: Promise<BulkService> | undefined
  const bulkOf = (): Promise<BulkService> => (bulkService ??= import('../helpdesk/bulk').then(({ BulkService }) => new BulkService(services, process.env)))

  const clientOptions = (): DetectOptions => ({ home: config.clientsHome, platform: process.platform, env: config.clientsEnv })

  async function withRun<T>(runId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = runs.start(runId)
    try {
      // What the run registers for redaction (a password, SASL payloads) is forgotten after it.
      return await withSecretScope(() => fn(signal))
    } finally {
      runs.end(runId, signal)
    }
  }

  return {
    async appInfo() {
      return {
        name: 'Mail Setup',
        version: hooks.version,
        door: hooks.door === 'window' ? 'window' : 'browser',
        platform: process.platform,
        keychainService: config.keychainService,
        canSaveFiles: Boolean(hooks.chooseSavePath)
      }
    },

    async discover(req) {
      const { address } = normalizeAddress(req.address)
      const deadlineMs = req.deadlineMs ?? config.discoveryDeadlineMs
      const { discover } = await import('../discovery')
      return withRun(req.runId, (signal) =>
        discover(address, {
          config,
          dns: services.dns,
          ca: services.ca,
          signal,
          deadlineMs,
          offline: req.offline ?? config.offline,
          password: discoveryPassword(address, req.credentials),
          onReport: (report) => hooks.emit('discovery', { kind: 'source', runId: req.runId, report }),
          onCandidate: (candidate) => hooks.emit('discovery', { kind: 'candidate', runId: req.runId, candidate })
        })
      )
    },

    async cancel(req) {
      return { cancelled: runs.cancel(req.runId) }
    },

    async verify(req) {
      const { address } = normalizeAddress(req.address)
      const secret = await secretFor(address, req.credentials)
      const { verify } = await import('../verify')
      return withRun(req.runId, async (signal) =>
        redactValue(
          await verify(
            { address, incoming: req.incoming, outgoing: req.outgoing, secret, exceptions: req.exceptions },
            { dns: services.dns, ca: services.ca, signal, stops: services.signInStops, onProbe: (probe) => hooks.emit('verify', { runId: req.runId, probe: redactValue(probe) }) }
          )
        )
      )
    },

    async discoverVerify(req) {
      const { address } = normalizeAddress(req.address)
      const secret = await secretFor(address, req.credentials)
      const [{ discoverAndVerify }, { chooseCandidate }] = await Promise.all([import('../verify/pipeline'), import('../discovery/consent')])
      let unconfirmed: Response<'discoverVerify'>['unconfirmed']
      return withRun(req.runId, async (signal) => {
        const run = await discoverAndVerify(
          {
            address,
            secret,
            exceptions: req.exceptions,
            select: (c) => selectServers(c, req),
            consent(found) {
              const choice = chooseCandidate(found)
              if (!req.acceptUntrusted) unconfirmed = choice.unconfirmed
              return req.acceptUntrusted ? choice.candidate : undefined
            }
          },
          {
            dns: services.dns,
            ca: services.ca,
            signal,
            stops: services.signInStops,
            onProbe: (probe) => hooks.emit('verify', { runId: req.runId, probe: redactValue(probe) }),
            discovery: {
              config,
              dns: services.dns,
              ca: services.ca,
              deadlineMs: config.discoveryDeadlineMs,
              offline: config.offline,
              onReport: (report) => hooks.emit('discovery', { kind: 'source', runId: req.runId, report }),
              onCandidate: (candidate) => hooks.emit('discovery', { kind: 'candidate', runId: req.runId, candidate })
            }
          }
        )
        return redactValue({ discovery: run.discovery, candidateId: run.candidate?.id, verify: run.verify, unconfirmed })
      })
    },

    async roundTrip(req) {
      const { address } = normalizeAddress(req.address)
      const secret = await secretFor(address, req.credentials)
      const { roundTrip } = await import('../verify')
      return withRun(req.runId, (signal) =>
        roundTrip(
          { address, incoming: req.incoming, outgoing: req.outgoing, secret, exceptions: req.exceptions },
          { dns: services.dns, ca: services.ca, signal, onStage: (stage) => hooks.emit('roundTrip', { runId: req.runId, stage }) }
        )
      )
    },

    async saveAccount(req) {
      const now = new Date().toISOString()
      const existing = req.account.id ? await services.accounts.get(req.account.id) : undefined
      const oauth = req.account.authKind === 'oauth2' ? await oauthOf() : undefined
      const account: Account = {
        ...req.account,
        // A sign-in started from the provider table (no autoconfig oAuth2 element) still
        // records its issuer and scope, so the account can be re-checked and exported later.
        oauth2: req.account.oauth2 ?? oauth?.settingsOf(req.account.address),
        id: existing?.id ?? req.account.id ?? randomUUID(),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now
      }
      let keychain: Response<'saveAccount'>['keychain'] = { stored: false, service: config.keychainService }
      const password = services.secrets.getPassword(account.address)
      if (req.storePassword && account.authKind === 'password' && password) {
        keychain = await savePassword(services.credentials, account, password)
      }
      // OAuth: the sign-in's refresh token reaches the keychain only now, with its account
      // (storePassword is about passwords; without the refresh token the account cannot work).
      if (oauth) keychain = await oauth.keep(account.address)
      // The account is kept even when the keychain fails (nothing the user did is lost), and
      // says so: written once the keychain has answered, marked with whether it holds the
      // secret, never looking complete without it (docs/formats.md).
      try {
        return { account: await services.accounts.upsert({ ...account, secretStored: keychain.stored }), keychain }
      } catch (err) {
        // No password left in the keychain for a new account that was not saved.
        if (!existing && keychain.stored && account.authKind === 'password') await removePasswords(services.credentials, account).catch(() => undefined)
        throw err
      }
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
        if (account.authKind === 'oauth2') await (await oauthOf()).forget(account.address, true)
      }
      return { removed, keychain }
    },

    async listFormats() {
      const { listFormats } = await import('../export')
      return { formats: listFormats() }
    },

    async exportProfile(req) {
      const account = await services.accounts.get(req.accountId)
      if (!account) fail('internal', { detail: `no account ${req.accountId}` })
      const { exportAccount } = await import('../export')
      return exportAccount(account, req.format, { keychainService: config.keychainService, platform: process.platform })
    },

    async detectClients() {
      return { clients: await detectClients(clientOptions()) }
    },

    async applyToClient(req) {
      const account = await services.accounts.get(req.accountId)
      if (!account) fail('internal', { detail: `no account ${req.accountId}` })
      if (req.client === 'evolution') return { applied: true, path: await applyToEvolution(account, evolutionSourcesDir(clientOptions())) }
      // Only a profile the detection found: the renderer never names a folder to write into.
      const profiles = await thunderbirdProfiles(clientOptions())
      const profile = profiles.find((p) => p.path === req.profile) ?? (req.profile ? undefined : profiles.find((p) => p.isDefault))
      if (!profile) fail('unsupported', { detail: 'no such Thunderbird profile on this computer' })
      return { applied: true, path: await applyToThunderbird(account, profile.path) }
    },

    async saveExport(req) {
      if (!hooks.chooseSavePath) fail('unsupported', { detail: 'this door downloads files instead' })
      const path = await hooks.chooseSavePath(req.file.fileName)
      if (!path) return { saved: false }
      await writeUserFile(path, Buffer.from(req.file.content, req.file.encoding === 'base64' ? 'base64' : 'utf8'))
      return { saved: true, path }
    },

    async diagnosticReport(req) {
      const { diagnosticReport } = await import('../report')
      return diagnosticReport(req, { version: hooks.version })
    },

    async checkDomain(req) {
      const deadlineMs = req.deadlineMs ?? config.discoveryDeadlineMs
      const { domainCheck } = await import('../domain')
      const live = { onReport: (report: SourceReport) => hooks.emit('domain', { kind: 'source', runId: req.runId, report: redactValue(report) }), onHost: (host: HostCheck) => hooks.emit('domain', { kind: 'host', runId: req.runId, host: redactValue(host) }) }
      return withRun(req.runId, (signal) => domainCheck(req, { config, dns: services.dns, ca: services.ca, signal, deadlineMs, ...live }))
    },

    async bulkOpen(req) {
      return (await bulkOf()).open(req)
    },

    async bulkStart(req) {
      // Answers at once (a long list outlasts any request); the end comes as an event.
      const bulk = await bulkOf()
      const list = bulk.accept(req)
      const { runId } = req
      void withRun(runId, (signal) => bulk.run(runId, list, signal, (row) => hooks.emit('bulk', { kind: 'row', runId, row }))).then(
        (summary) => hooks.emit('bulk', { kind: 'end', runId, summary }),
        (err: unknown) => hooks.emit('bulk', { kind: 'end', runId, error: redactValue(toDiagnosis(err)) })
      )
      return { rows: list.rows.length }
    },

    async bulkReport(req) {
      return (await bulkOf()).report(req)
    },

    async oauthAvailability(req) {
      return (await oauthOf()).availability(req)
    },

    async oauthBegin(req) {
      const { address } = normalizeAddress(req.address)
      // The run lives until the browser comes back, so cancel({runId}) stops the wait.
      const oauth = await oauthOf()
      const signal = runs.start(req.runId)
      let begun
      try {
        begun = await oauth.begin({
          address,
          oauth2: req.oauth2,
          providerId: req.providerId,
          signal,
          onState: (state, sessionId) => hooks.emit('oauth', { sessionId, state })
        })
      } catch (err) {
        runs.end(req.runId, signal)
        throw err
      }
      void begun.settled.then(() => runs.end(req.runId, signal))
      // Browser mode: the renderer opens a new tab itself. The window opens the system browser.
      let openedByMain = false
      if (hooks.door === 'window' && hooks.openExternal) {
        if (!isAllowedExternalUrl(begun.authorizeUrl, await oauth.allowedOrigins())) {
          oauth.cancel(begun.sessionId)
          fail('unsupported', { protocol: 'oauth', detail: 'the sign-in page is not on the allow-list' })
        }
        openedByMain = await hooks.openExternal(begun.authorizeUrl)
      }
      return { sessionId: begun.sessionId, authorizeUrl: begun.authorizeUrl, openedByMain }
    },

    async oauthComplete(req) {
      return (await oauthOf()).complete(req.sessionId)
    },

    async openExternal(req) {
      if (!isAllowedExternalUrl(req.url, await (await oauthOf()).allowedOrigins()) || !hooks.openExternal) return { opened: false }
      return { opened: await hooks.openExternal(req.url) }
    }
  }
}

/** What discoverVerify checks of a candidate: the protocols asked for, the user's servers and user name first. */
function selectServers(c: Candidate, req: ParsedRequest<'discoverVerify'>): { incoming: ServerSettings[]; outgoing: ServerSettings[] } {
  const user = (s: ServerSettings): ServerSettings => (req.username ? { ...s, username: req.username } : s)
  const rank = (s: ServerSettings): number => req.protocols.indexOf(s.protocol as IncomingProtocol)
  const incoming = req.incoming ?? c.incoming.filter((s) => rank(s) >= 0).sort((a, b) => rank(a) - rank(b)).map(user)
  return { incoming, outgoing: req.outgoing ?? c.outgoing.map(user) }
}

/** Validates a raw request from any door, runs the handler, and returns a Result. */
export async function dispatch(handlers: Handlers, name: string, raw: unknown): Promise<Result<unknown>> {
  if (!Object.hasOwn(operations, name)) {
    return { ok: false, error: diagnose('unsupported', { detail: `unknown operation ${name.slice(0, 50)}` }) }
  }
  const op = name as OperationName
  const parsed = operations[op].request.safeParse(raw ?? {})
  if (!parsed.success) {
    return { ok: false, error: diagnose('internal', { detail: `invalid request: ${parsed.error.issues[0]?.message ?? ''}` }) }
  }
  try {
    const handler = handlers[op] as (req: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: redactValue(toDiagnosis(err)) }
  }
}

export type { Request }
