// The setup session: start(address) → plan(choices) → verify(credentials) → save(options) →
// report() / export(format). Main keeps what it found and verified per session; clients (the
// wizard, the CLI) send choices and receive views. Accounts are built here, from main's own
// record, and stamped with main's clock. Every door serves the same session (no door branch).
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { operations, Response } from '../../shared/api'
import type { SetupChoices } from '../../shared/setup'
import type { Account, ExportFormatId } from '../../shared/account'
import type { Credentials, HostException, VerifyResult } from '../../shared/verify'
import type { Candidate } from '../../shared/domain'
import type { Secret } from '../verify'
import type { WarmPool } from '../verify/warm'
import { normalizeAddress } from '../../shared/address'
import type { OAuth2Settings } from '../../shared/domain'
import { AppError, fail } from '../errors'
import { redactValue } from '../redact'
import { removePasswords, savePassword } from '../credentials/entries'
import { writeUserFile } from '../files'
import { planServers, type Plan, type Typed } from './plan'
import { accountDraft, type Verified } from './account'
import { SetupSessions, type SetupSession } from './session'
import type { SetupContext } from './context'
import { allowedDiscovery, allowedServers, checkFormat, checkProtocol, checkServers, lockedDiscovery } from '../policy'

/**
 * How long connections prepared while the user types the password wait for the check: a server
 * that drops an idle connection sooner only costs a new one (warm.ts).
 */
const PREPARED_HOLD_MS = 30_000

type In<K extends keyof typeof operations> = z.output<(typeof operations)[K]['request']>

/** Both sides signed in, nothing to report: the only result an account may be built from. */
export function signedIn(r: VerifyResult): r is VerifyResult & Required<Pick<VerifyResult, 'incoming' | 'outgoing'>> {
  const authed = (p: VerifyResult['incoming']): boolean =>
    p?.state === 'ok' && p.steps.some((s) => s.name === 'auth' && s.state === 'ok')
  return !r.diagnosis && authed(r.incoming) && authed(r.outgoing)
}

export class Setup {
  private readonly sessions = new SetupSessions()

  constructor(
    private readonly ctx: SetupContext,
    private readonly meta: { version: string }
  ) {}

  /** start(address): a new session, or a new search in one for the same address. */
  async start(req: In<'discover'>): Promise<Response<'discover'>> {
    const { address } = normalizeAddress(req.address)
    const prior = req.sessionId ? this.sessions.get(req.sessionId) : undefined
    const session = prior?.address === address ? prior : this.sessions.open(address)
    const { config, dns, policy } = this.ctx.services
    // Servers the organisation locked for this domain: no source is asked (policy/rules.ts).
    const locked = lockedDiscovery(policy, address)
    if (locked) {
      session.found(locked)
      return { ...locked, sessionId: session.id }
    }
    const { discover } = await import('../discovery')
    const offline = req.offline ?? config.offline
    const searched = await this.ctx.withRun(req.runId, (signal) =>
      discover(address, {
        config,
        dns,
        // Offline no source connects anywhere: the trust store is not built for nothing.
        ca: offline ? [] : this.ctx.services.ca,
        signal,
        deadlineMs: req.deadlineMs ?? config.discoveryDeadlineMs,
        offline,
        password: this.ctx.discoveryPassword(address, req.credentials),
        onReport: (report) => this.ctx.emit('discovery', { kind: 'source', runId: req.runId, report }),
        onCandidate: (candidate) => this.ctx.emit('discovery', { kind: 'candidate', runId: req.runId, candidate })
      })
    )
    const found = allowedDiscovery(policy.rules, searched)
    session.found(found)
    return { ...found, sessionId: session.id }
  }

  /** plan(choices): the servers a check would try, kept for an unchecked save. */
  async plan(req: In<'plan'>): Promise<Response<'plan'>> {
    const session = this.sessionOf(req)
    session.planned(await this.planFor(session, req.choices, req))
    return { sessionId: session.id, incoming: session.plan!.incoming, outgoing: session.plan!.outgoing }
  }

  /**
   * prepare(choices): the first server of each side of the plan is connected to now, up to its
   * sign-in and with no credential, and held for the session's next check (verify/warm.ts): the
   * user types the password meanwhile. The session's record is not changed.
   */
  async prepare(req: In<'prepare'>): Promise<Response<'prepare'>> {
    const session = this.sessionOf(req)
    const done = this.prepared(session, req)
    // A check sent before this has its connections waits for them (a password manager is quick).
    session.preparing = done.then(
      () => undefined,
      () => undefined
    )
    return done
  }

  private async prepared(session: SetupSession, req: In<'prepare'>): Promise<Response<'prepare'>> {
    const plan = await this.planFor(session, req.choices, req)
    const [{ WarmPool }, { timingWith }] = await Promise.all([import('../verify/warm'), import('../verify/timing')])
    const { services } = this.ctx
    const ahead = new WarmPool({
      dns: services.dns,
      ca: services.ca,
      minTls: this.minTls(),
      timing: timingWith({ holdMs: PREPARED_HOLD_MS }),
      exceptions: session.exceptions,
      signal: new AbortController().signal,
      failuresCount: false
    })
    for (const s of [plan.incoming[0], plan.outgoing[0]]) if (s) ahead.open(s)
    session.holdAhead(ahead)
    return { sessionId: session.id, opening: ahead.size }
  }

  /** verify(credentials): plans with the choices, probes, and keeps the result in the session. */
  async verify(req: In<'verify'>): Promise<Response<'verify'>> {
    const session = this.sessionOf(req)
    const { address } = session
    const plan = await this.planFor(session, req.choices, req)
    const secret = await this.ctx.secretFor(address, req.credentials)
    // A new plan drops the last check before this one runs (cancelled, it leaves nothing to save).
    session.planned(plan)
    // Connections prepare() opened are this check's to take; what it leaves is closed after it.
    await session.preparing
    const ahead = session.takeAhead()
    // The check closes what it leaves; if it never ran, nothing else would until the hold ends.
    const result = await this.probe(req, address, plan, secret, ahead).finally(() => ahead?.close())
    this.checked(session, plan, req, secret.kind, result)
    return { ...result, sessionId: session.id }
  }

  /** Records a check: its plan, its result, and (signed in on both sides) what a save may take. */
  private checked(
    session: SetupSession,
    plan: Plan,
    req: { credentials: Credentials; exceptions: HostException[] },
    secret: Secret['kind'],
    result: VerifyResult
  ): void {
    session.planned(plan)
    // The password stays in main (session-secrets.ts); the round trip asks for the session's copy.
    session.credentials = req.credentials.kind === 'password' ? { kind: 'session' } : req.credentials
    session.exceptions = req.exceptions
    session.lastCheck = result
    if (signedIn(result)) {
      const authKind = secret === 'oauth2' ? 'oauth2' : 'password'
      session.verified = {
        plan,
        incoming: result.incoming,
        outgoing: result.outgoing,
        authKind,
        at: new Date().toISOString()
      } satisfies Verified
    }
  }

  /**
   * start + plan + verify in one run (verify/pipeline.ts): each trusted candidate's servers are
   * probed the moment discovery names them. The session keeps the search, the plan of the
   * candidate that won and the check, as if the steps had run one after the other.
   */
  async discoverVerify(req: In<'discoverVerify'>): Promise<Response<'discoverVerify'>> {
    const { address } = normalizeAddress(req.address)
    const session = this.sessions.open(address)
    const { policy } = this.ctx.services
    for (const protocol of req.protocols) checkProtocol(policy.rules, protocol)
    checkServers(policy.rules, address, req.incoming ?? [], req.outgoing ?? [])
    const secret = await this.ctx.secretFor(address, req.credentials)
    const choices: SetupChoices = {
      protocol: req.protocols[0],
      ...(req.protocols.length > 1 ? { everyProtocol: true } : {}),
      username: req.username
    }
    const typed: Typed = { incoming: req.incoming, outgoing: req.outgoing }
    const select = (c: Candidate): Plan => {
      try {
        const plan = planServers([c], { ...choices, candidateId: c.id }, typed)
        return { ...plan, ...allowedServers(policy.rules, plan) }
      } catch {
        return { incoming: [], outgoing: [], protocol: choices.protocol ?? 'imap' }
      }
    }
    const { config, dns } = this.ctx.services
    // Servers the organisation locked for this domain: no search, only they are checked.
    const locked = lockedDiscovery(policy, address)
    if (locked) {
      const candidate = locked.candidates[0]!
      const plan = { ...select(candidate), candidate }
      checkServers(policy.rules, address, plan.incoming, plan.outgoing)
      const result = await this.probe(req, address, plan, secret)
      session.found(locked)
      this.checked(session, plan, req, secret.kind, result)
      return redactValue({ sessionId: session.id, discovery: locked, candidateId: candidate.id, verify: result })
    }
    const [{ discoverAndVerify }, { chooseCandidate }] = await Promise.all([
      import('../verify/pipeline'),
      import('../discovery/consent')
    ])
    let unconfirmed: Response<'discoverVerify'>['unconfirmed']
    const run = await this.ctx.withRun(req.runId, (signal) =>
      discoverAndVerify(
        {
          address,
          secret,
          exceptions: req.exceptions,
          select,
          consent(found) {
            const choice = chooseCandidate(found)
            if (!req.acceptUntrusted) unconfirmed = choice.unconfirmed
            return req.acceptUntrusted ? choice.candidate : undefined
          }
        },
        {
          dns,
          ca: this.ctx.services.ca,
          signal,
          minTls: this.minTls(),
          stops: this.ctx.services.signInStops,
          onProbe: (probe) => this.ctx.emit('verify', { runId: req.runId, probe: redactValue(probe) }),
          discovery: {
            config,
            dns,
            ca: this.ctx.services.ca,
            deadlineMs: config.discoveryDeadlineMs,
            offline: config.offline,
            onReport: (report) => this.ctx.emit('discovery', { kind: 'source', runId: req.runId, report }),
            onCandidate: (candidate) => this.ctx.emit('discovery', { kind: 'candidate', runId: req.runId, candidate })
          }
        }
      )
    )
    const verify = run.verify && redactValue(run.verify)
    const discovery = allowedDiscovery(policy.rules, run.discovery)
    session.found(discovery)
    if (run.candidate && verify)
      this.checked(session, { ...select(run.candidate), candidate: run.candidate }, req, secret.kind, verify)
    return redactValue({ sessionId: session.id, discovery, candidateId: run.candidate?.id, verify, unconfirmed })
  }

  /** A test message through the session's verified servers (or one typed pair), read back. */
  async roundTrip(req: In<'roundTrip'>): Promise<Response<'roundTrip'>> {
    const session = this.sessionOf(req)
    const incoming = req.incoming ?? session.verified?.incoming.settings
    const outgoing = req.outgoing ?? session.verified?.outgoing.settings
    const credentials = req.credentials ?? session.credentials
    if (!incoming || !outgoing || !credentials)
      fail('internal', { detail: 'nothing signed in in this setup session yet' })
    checkServers(this.ctx.services.policy.rules, session.address, [incoming], [outgoing])
    const secret = await this.ctx.secretFor(session.address, credentials)
    const { dns } = this.ctx.services
    const { roundTrip } = await import('../verify')
    return this.ctx.withRun(req.runId, (signal) =>
      roundTrip(
        { address: session.address, incoming, outgoing, secret, exceptions: req.exceptions ?? session.exceptions },
        {
          dns,
          ca: this.ctx.services.ca,
          minTls: this.minTls(),
          signal,
          onStage: (stage) => this.ctx.emit('roundTrip', { runId: req.runId, stage })
        }
      )
    )
  }

  /** save(options): the account built from the session's record; the secret to the keychain when asked. */
  async save(req: In<'saveAccount'>): Promise<Response<'saveAccount'>> {
    const session = this.existing(req.sessionId)
    const { services } = this.ctx
    const { config } = services
    let from: Parameters<typeof accountDraft>[2]
    let authKind: Account['authKind']
    if (req.unchecked) {
      if (!session.plan) fail('no-settings-found', { detail: 'nothing planned in this setup session' })
      authKind = req.authKind ?? 'password'
      from = { plan: session.plan, authKind }
    } else {
      if (!session.verified)
        fail('internal', { detail: 'nothing signed in in this setup session: check first, or save unchecked' })
      authKind = session.verified.authKind
      from = { verified: session.verified }
    }
    const oauth = authKind === 'oauth2' ? await this.ctx.oauth() : undefined
    const draft = accountDraft(session.address, req.displayName, from, (a) => oauth?.settingsOf(a))
    checkServers(services.policy.rules, session.address, [draft.incoming], [draft.outgoing])
    const now = new Date().toISOString()
    const existing = session.accountId ? await services.accounts.get(session.accountId) : undefined
    const account: Account = {
      ...draft,
      id: existing?.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now
    }
    let keychain: Response<'saveAccount'>['keychain'] = { stored: false, service: config.keychainService }
    const password = services.secrets.getPassword(account.address)
    if (req.storePassword && account.authKind === 'password' && password)
      keychain = await savePassword(services.credentials, account, password)
    // OAuth: the sign-in's refresh token reaches the keychain only now, with its account
    // (storePassword is about passwords; without the refresh token the account cannot work).
    if (oauth) keychain = await oauth.keep(account.address)
    // The account is kept even when the keychain fails (nothing the user did is lost), and
    // says so: written once the keychain has answered, marked with whether it holds the
    // secret, never looking complete without it (docs/formats.md).
    try {
      const saved = await services.accounts.upsert({ ...account, secretStored: keychain.stored })
      session.accountId = saved.id
      return { account: saved, keychain }
    } catch (err) {
      // No password left in the keychain for a new account that was not saved.
      if (!existing && keychain.stored && account.authKind === 'password')
        await removePasswords(services.credentials, account).catch(() => undefined)
      throw err
    }
  }

  /** report(): from what this session found and checked, never from what a client sends back. */
  async report(req: In<'diagnosticReport'>): Promise<Response<'diagnosticReport'>> {
    const session = this.existing(req.sessionId)
    const { diagnosticReport } = await import('../report')
    return diagnosticReport(
      { address: session.address, discovery: session.discovery, verify: session.lastCheck },
      this.meta
    )
  }

  /** export(format): a saved account's file, made by main each time it is asked for. */
  async exportFile(accountId: string, format: ExportFormatId): Promise<Response<'exportProfile'>> {
    checkFormat(this.ctx.services.policy.rules, format)
    const account = await this.ctx.services.accounts.get(accountId)
    if (!account) fail('internal', { detail: `no account ${accountId}` })
    const [{ exportAccount }, { selfCommand }] = await Promise.all([import('../export'), import('../self-command')])
    const { config } = this.ctx.services
    return exportAccount(account, format, {
      keychainService: config.keychainService,
      platform: process.platform,
      selfCommand: selfCommand(config)
    })
  }

  /** Exports again and writes where the user chose (a door that can ask: `choosePath`). */
  async saveExport(
    req: In<'saveExport'>,
    choosePath: ((name: string) => Promise<string | undefined>) | undefined
  ): Promise<Response<'saveExport'>> {
    if (!choosePath) fail('unsupported', { detail: 'this door downloads files instead' })
    const file = await this.exportFile(req.accountId, req.format)
    const path = await choosePath(file.fileName)
    if (!path) return { saved: false }
    await writeUserFile(path, Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8'))
    return { saved: true, path }
  }

  /** One check of the planned servers, under the run's id, with the policy's TLS floor and the held stops. */
  private async probe(
    req: { runId: string; exceptions: HostException[] },
    address: string,
    plan: { incoming: Plan['incoming']; outgoing: Plan['outgoing'] },
    secret: Secret,
    ahead?: WarmPool
  ): Promise<VerifyResult> {
    const { verify } = await import('../verify')
    return this.ctx.withRun(req.runId, async (signal) =>
      redactValue(
        await verify(
          { address, incoming: plan.incoming, outgoing: plan.outgoing, secret, exceptions: req.exceptions },
          {
            dns: this.ctx.services.dns,
            ca: this.ctx.services.ca,
            minTls: this.minTls(),
            signal,
            stops: this.ctx.services.signInStops,
            ahead,
            onProbe: (probe) => this.ctx.emit('verify', { runId: req.runId, probe: redactValue(probe) })
          }
        )
      )
    )
  }

  /** The organisation's TLS floor, if it set one. */
  private minTls() {
    return this.ctx.services.policy.rules.security?.minTlsVersion
  }

  /** The address and the sign-in settings of a candidate this session's discovery found. */
  oauthCandidate(req: { sessionId: string; candidateId: string }): {
    address: string
    oauth2?: OAuth2Settings
    providerId?: string
  } {
    const session = this.existing(req.sessionId)
    const candidate = session.discovery?.candidates.find((c) => c.id === req.candidateId)
    if (!candidate) fail('internal', { detail: 'this setup session found no such candidate: search again' })
    return {
      address: session.address,
      oauth2: candidate.oauth2,
      providerId: candidate.provider?.id ?? candidate.providerId
    }
  }

  private existing(id: string): SetupSession {
    return (
      this.sessions.get(id) ??
      fail('internal', { detail: 'this setup session has ended: start again from the address' })
    )
  }

  /** The session named, or a new one for servers typed for an address (no discovery). */
  private sessionOf(req: { sessionId?: string; address?: string }): SetupSession {
    if (req.sessionId) {
      const session = this.existing(req.sessionId)
      if (req.address && normalizeAddress(req.address).address !== session.address)
        fail('internal', { detail: 'this setup session is for another address' })
      return session
    }
    return this.sessions.open(normalizeAddress(req.address ?? '').address)
  }

  /** The plan, refused for a candidate nothing vouches for unless the user consented. */
  private async planFor(session: SetupSession, choices: SetupChoices, typed: Typed): Promise<Plan> {
    const { rules } = this.ctx.services.policy
    // Discovery leaves out what the policy does not allow: say so rather than "not offered".
    if (choices.protocol) checkProtocol(rules, choices.protocol)
    const plan = planServers(session.discovery?.candidates ?? [], choices, typed)
    checkServers(rules, session.address, plan.incoming, plan.outgoing)
    if (plan.candidate?.trust.level === 'confirm' && !choices.acceptUntrusted) {
      const { unconfirmed } = await import('../discovery/consent')
      throw new AppError(unconfirmed(session.discovery ?? { candidates: [] }, plan.candidate))
    }
    return plan
  }
}

export { SetupContext } from './context'
