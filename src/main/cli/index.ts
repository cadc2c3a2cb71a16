// The `mail-setup` command line: the same API as the wizard, for helpdesks and scripts.
// Exit codes (docs/cli.md): 0 ok, 1 internal error, 2 usage, 3 discovery failed,
// 4 verification failed, 5 export failed, 6 only settings nothing vouches for (no consent),
// 7 the organisation's policy does not allow it.
// Only what every command needs is imported here: the services, the API and the output
// formatting are loaded once the arguments are read, so --help and --version load nothing more.
import { parseArgs } from 'node:util'
import { writeFileSync } from 'node:fs'
import { loadConfig, type Config } from '../config'
import type { DoorHooks, Handlers, dispatch } from '../api/handlers'
import type { EventPayload, OperationName, Request, Response, Result } from '../../shared/api'
import type { Diagnosis } from '../../shared/diagnosis'
import type { Policy } from '../policy'
import type { Candidate, IncomingProtocol, ServerSettings } from '../../shared/domain'
import type { SetupChoices } from '../../shared/setup'
import type { Credentials, HostException, VerifyResult } from '../../shared/verify'
import { parseAddress } from '../../shared/address'
import { withPort25 } from '../../shared/submission'
import { writeUserFile } from '../files'
import { AppError, toDiagnosis } from '../errors'
import { APP_VERSION } from '../version'
import { UsageError, parseDnsFlag, parseHostPort, parseServerUrl, parseTrust } from './args'
import { clipMessage, safeStreams } from './streams'
import { domainWarning } from './domain-notice'
import { quoteArg, term } from '../../shared/escape'
import { diagnose, EXIT, exitFor } from '../../shared/diagnosis-catalog'

export { EXIT }

const USAGE = `Usage:
  mail-setup discover <address> [--json] [--offline] [--isp-dir DIR]... [--dns IP:PORT] [--deadline SECONDS]
  mail-setup verify <address> [--password-stdin] [--pop] [--incoming URL] [--outgoing URL]
                    [--trust-cert HOST:PORT=SHA256] [--allow-plaintext HOST:PORT] [--round-trip]
                    [--no-save] [--no-keychain] [--name NAME] [--transcript] [--json] [--accept-untrusted]
                    (+ discover options)
  mail-setup verify <address> --oauth [...]   (signs in through the browser: prints the URL and waits)
  mail-setup export <address> --format NAME [--out FILE] [--incoming URL --outgoing URL] [--name NAME]
  mail-setup export --list-formats
  mail-setup accounts [--json]
  mail-setup token <address> [--deadline SECONDS]   (prints an OAuth access token for a saved sign-in; for mail clients)
  mail-setup check --csv FILE [--out FILE] [--html FILE] [--resume] [--state FILE] [--concurrency N]
                   [--per-server N] [--allow-plain-passwords] [--json]
  mail-setup domain <domain> [--server URL]... [--publish DIR] [--recheck] [--username-form address|local] [--json]
  mail-setup setup --address ADDRESS --export FORMAT --out FILE [--policy FILE] [--pop] [--name NAME] [--no-keychain]
                   (--password-env VAR | --password-ref env:VAR|keychain:KEY|cmd:COMMAND | --password-stdin) [--json]
                   (silent: no prompts, the exit code says how it went; docs/admin.md)

The password comes from --password-stdin or the MAIL_SETUP_PASSWORD environment variable,
never from an argument. Server URLs: imaps://host:993, imap://host:143 (STARTTLS),
pop3s://host:995, pop3://host:110, smtps://host:465, smtp://host:587 (STARTTLS);
add ?security=plain for an unencrypted server, user%40example.com@ for another username.`

const OPTIONS = {
  json: { type: 'boolean' },
  offline: { type: 'boolean' },
  'isp-dir': { type: 'string', multiple: true },
  dns: { type: 'string' },
  deadline: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  password: { type: 'string' },
  pop: { type: 'boolean' },
  incoming: { type: 'string' },
  outgoing: { type: 'string' },
  'trust-cert': { type: 'string', multiple: true },
  'allow-plaintext': { type: 'string', multiple: true },
  'round-trip': { type: 'boolean' },
  'no-save': { type: 'boolean' },
  'accept-untrusted': { type: 'boolean' },
  'no-keychain': { type: 'boolean' },
  name: { type: 'string' },
  transcript: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  'list-formats': { type: 'boolean' },
  oauth: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  server: { type: 'string', multiple: true },
  publish: { type: 'string' },
  recheck: { type: 'boolean' },
  'username-form': { type: 'string' },
  csv: { type: 'string' },
  html: { type: 'string' },
  state: { type: 'string' },
  resume: { type: 'boolean' },
  concurrency: { type: 'string' },
  'per-server': { type: 'string' },
  'allow-plain-passwords': { type: 'boolean' },
  policy: { type: 'string' },
  address: { type: 'string' },
  export: { type: 'string' },
  'password-env': { type: 'string' },
  'password-ref': { type: 'string' }
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values']

interface Io {
  stdout(text: string): void
  stderr(text: string): void
  stdin: NodeJS.ReadableStream
  env: NodeJS.ProcessEnv
}

/** A failed command: the catalog says which exit code its diagnosis ends with. */
class Failure extends Error {
  readonly exitCode: number
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.code)
    this.exitCode = exitFor(diagnosis.code)
  }
}

/** A verification that did not prove both servers: the catalog's exit code for its diagnosis. */
const verifyExit = (d: Diagnosis | undefined): number => (d ? exitFor(d.code) : EXIT.verification)

export async function runCli(argv: string[], rawIo: Io): Promise<number> {
  // Internal arguments start with "__" (no command does): loaded only then, off --help's path.
  if (argv[0]?.startsWith('__')) {
    const internal = await import('../credentials/keytar-child')
    // One keychain call for an app process whose own keytar lost its daemon.
    if (argv[0] === internal.KEYTAR_CALL) return keytarCall(rawIo, internal.serveKeytarCall)
  }
  const said: Said = {}
  const code = await runCommand(argv, rawIo, said)
  // Whom to ask (the organisation's policy), under every failure (as on the wizard's error cards).
  if (code !== EXIT.ok && code !== EXIT.usage && said.support && !argv.includes('--json'))
    rawIo.stderr(`${said.support}\n`)
  return code
}

/** One request on stdin, one answer on stdout, unescaped: the parent reads JSON (keytar-child.ts). */
async function keytarCall(
  io: Io,
  serveKeytarCall: typeof import('../credentials/keytar-child').serveKeytarCall
): Promise<number> {
  const { loadKeytar } = await import('../credentials/store')
  // Decoded once, whole: a character split across two reads must not become U+FFFD.
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  io.stdout(await serveKeytarCall(Buffer.concat(chunks).toString('utf8'), loadKeytar))
  return EXIT.ok
}

/** What a command learnt that runCli says after it: the policy's support contact. */
interface Said {
  support?: string
}

async function runCommand(argv: string[], rawIo: Io, said: Said): Promise<number> {
  // Every byte written goes through the terminal (or JSON) escaping of streams.ts.
  const io = safeStreams(rawIo, argv.includes('--json'))
  let values: Values
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }))
  } catch (err) {
    const message = clipMessage((err as Error).message)
    if (argv.includes('--json')) jsonFailure(io, undefined, { code: 'usage', detail: message }, EXIT.usage)
    io.stderr(`${message}\n\n${USAGE}\n`)
    return EXIT.usage
  }
  if (values.version) {
    io.stdout(`${APP_VERSION}\n`)
    return EXIT.ok
  }
  const [command, addressArg] = positionals
  if (values.help || !command) {
    io[values.help ? 'stdout' : 'stderr'](`${USAGE}\n`)
    return values.help ? EXIT.ok : EXIT.usage
  }
  const json = Boolean(values.json)
  const [{ createServices }, { createHandlers, dispatch }, { formatDiagnosis, formatSource }] = await Promise.all([
    import('../services'),
    import('../api/handlers'),
    import('./output')
  ])
  const report = (data: unknown): void =>
    io.stdout(json ? `${JSON.stringify({ ok: true, command, result: data }, null, 2)}\n` : `${String(data)}\n`)
  try {
    if (values.password !== undefined)
      throw new UsageError('--password is not accepted: use --password-stdin or MAIL_SETUP_PASSWORD')
    // --policy FILE: the policy for this run, unless the organisation's own is in force (policy-location.ts).
    const config = cliConfig(values, values.policy ? { ...io.env, MAIL_SETUP_POLICY: values.policy } : io.env)
    // A connected server that has sent nothing yet is said once per probe (recorder.ts).
    const saidQuiet = new Set<string>()
    const quiet = ({ probe }: EventPayload<'verify'>): void => {
      if (
        probe.state !== 'running' ||
        saidQuiet.has(probe.id) ||
        !probe.steps.some((s) => s.state === 'running' && s.info === 'no-answer-yet')
      )
        return
      saidQuiet.add(probe.id)
      io.stderr(
        `  ${probe.settings.host}:${probe.settings.port} is not answering yet (connected, nothing received); still waiting\n`
      )
    }
    const hooks: DoorHooks = {
      door: 'cli',
      version: APP_VERSION,
      emit(event, payload) {
        // setup is silent: no progress lines.
        if (command === 'setup') return
        if (!json && event === 'verify') quiet(payload as EventPayload<'verify'>)
        if (json || event !== 'discovery') return
        const p = payload as { kind: string; report?: Parameters<typeof formatSource>[0] }
        if (p.kind === 'source' && p.report && p.report.state !== 'started') io.stderr(`  ${formatSource(p.report)}\n`)
      }
    }
    const services = createServices(config)
    const { policyProblem, supportLine } = await import('./policy-notes')
    said.support = supportLine(services.policy)
    const problem = policyProblem(services.policy)
    if (problem && !json) io.stderr(`${problem}\n`)
    const handlers = createHandlers(services, hooks)
    const ctx: Ctx = { handlers, policy: services.policy, dispatch, values, io, json, report }
    const notice =
      (command === 'discover' || command === 'verify') && addressArg ? domainWarning(addressArg) : undefined
    if (notice) io.stderr(`${notice}\n`)
    switch (command) {
      case 'discover':
        return await discoverCommand(ctx, requireAddress(addressArg))
      case 'verify':
        return await verifyCommand(ctx, requireAddress(addressArg))
      case 'export':
        return await exportCommand(ctx, addressArg)
      case 'accounts':
        return await accountsCommand(ctx)
      case 'token': {
        const { accessTokenFor } = await import('./token')
        const deadlineMs = values.deadline === undefined ? undefined : config.discoveryDeadlineMs
        const address = requireAddress(addressArg)
        const token = await accessTokenFor(address, { services, deadlineMs }).catch((err: unknown) => {
          throw new Failure(toDiagnosis(err))
        })
        // Only the token: the mail client reads stdout whole.
        if (json) report({ accessToken: token })
        else io.stdout(`${token}\n`)
        return EXIT.ok
      }
      case 'check': {
        const { checkCommand, withInterrupt } = await import('./check')
        return await withInterrupt((signal) =>
          checkCommand(
            {
              csv: values.csv,
              out: values.out,
              html: values.html,
              state: values.state,
              resume: Boolean(values.resume),
              concurrency: values.concurrency,
              perServer: values['per-server'],
              allowPlain: Boolean(values['allow-plain-passwords'])
            },
            {
              services,
              env: io.env,
              stderr: io.stderr,
              report,
              json,
              signal,
              tty: process.stderr.isTTY ? rawIo.stderr : undefined
            }
          )
        )
      }
      case 'domain': {
        const { domainCommand, parseServerFlag, requireDomain } = await import('./domain')
        return await domainCommand(
          requireDomain(addressArg),
          {
            servers: (values.server ?? []).map(parseServerFlag),
            usernameForm: values['username-form'],
            publish: values.publish,
            recheck: Boolean(values.recheck)
          },
          { check: (request) => call(ctx, 'checkDomain', request), report, stderr: io.stderr, json }
        )
      }
      case 'setup': {
        const { setupCommand } = await import('./setup')
        const flags = {
          policy: values.policy,
          address: values.address,
          format: values.export,
          out: values.out,
          passwordEnv: values['password-env'],
          passwordRef: values['password-ref'],
          passwordStdin: Boolean(values['password-stdin']),
          pop: Boolean(values.pop),
          name: values.name,
          noKeychain: Boolean(values['no-keychain'])
        }
        return await setupCommand(flags, {
          services,
          handlers,
          dispatch,
          env: io.env,
          stdin: rawIo.stdin,
          // Silent: nothing on success but with --json; the diagnosis on stderr on failure.
          done: ({ exitCode, diagnosis, result }) => {
            if (json)
              io.stdout(
                `${JSON.stringify({ ok: exitCode === EXIT.ok, command, ...(diagnosis ? { error: diagnosis } : { result }), exitCode, ...(said.support && diagnosis ? { support: said.support } : {}) }, null, 2)}\n`
              )
            else if (diagnosis) io.stderr(`${formatDiagnosis(diagnosis)}\n`)
          }
        })
      }
      default:
        throw new UsageError(`unknown command ${quoteArg(command)}`)
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const message = clipMessage(err.message)
      if (json) jsonFailure(io, command, { code: 'usage', detail: message }, EXIT.usage)
      io.stderr(`${message}\n\n${USAGE}\n`)
      return EXIT.usage
    }
    // An error value a command let through (e.g. a locked keychain behind a keychain: reference) is its diagnosis.
    const failure = err instanceof AppError ? new Failure(err.diagnosis) : err
    if (failure instanceof Failure) {
      if (json) jsonFailure(io, command, failure.diagnosis, failure.exitCode, undefined, said.support)
      else io.stderr(`${formatDiagnosis(failure.diagnosis)}\n`)
      return failure.exitCode
    }
    io.stderr(`internal error: ${clipMessage((err as Error).message)}\n`)
    return EXIT.internal
  }
}

/** The --json answer for a failed command: what was done so far, the diagnosis, the exit code. */
function jsonFailure(
  io: Io,
  command: string | undefined,
  error: unknown,
  exitCode: number,
  result?: unknown,
  support?: string
): void {
  io.stdout(
    `${JSON.stringify({ ok: false, command, ...(result === undefined ? {} : { result }), error, exitCode, ...(support ? { support } : {}) }, null, 2)}\n`
  )
}

interface Ctx {
  handlers: Handlers
  policy: Policy
  dispatch: typeof dispatch
  values: Values
  io: Io
  json: boolean
  report(data: unknown): void
}

function cliConfig(values: Values, env: NodeJS.ProcessEnv): Config {
  const overrides: Partial<Config> = {}
  const base = loadConfig(env)
  if (values.offline) overrides.offline = true
  if (values['isp-dir']?.length) overrides.ispDirs = [...base.ispDirs, ...values['isp-dir']]
  if (values.dns !== undefined) overrides.dnsServers = parseDnsFlag([values.dns], '--dns')
  else parseDnsFlag(base.dnsServers, 'MAIL_SETUP_DNS')
  if (values.deadline !== undefined) {
    const seconds = Number(values.deadline)
    if (!(seconds > 0 && seconds <= 120))
      throw new UsageError('--deadline must be a number of seconds between 0 and 120')
    overrides.discoveryDeadlineMs = Math.round(seconds * 1000)
  }
  return { ...base, ...overrides }
}

function requireAddress(value: string | undefined): string {
  if (!value) throw new UsageError('an email address is required')
  const parsed = parseAddress(value)
  if (!parsed.ok) throw new UsageError(`${quoteArg(value)} is not a valid email address (${parsed.problem})`)
  return parsed.address
}

async function call<K extends OperationName>(ctx: Ctx, name: K, request: Request<K>): Promise<Response<K>> {
  const result = (await ctx.dispatch(ctx.handlers, name, request)) as Result<Response<K>>
  if (!result.ok) throw new Failure(result.error)
  return result.value
}

async function discoverCommand(ctx: Ctx, address: string): Promise<number> {
  // The session ends with the process: its id means nothing to a script.
  const { sessionId: _session, ...result } = await call(ctx, 'discover', { runId: 'cli', address })
  if (!result.candidates.length) {
    if (ctx.json) jsonFailure(ctx.io, 'discover', diagnose('no-settings-found'), exitFor('no-settings-found'), result)
    else
      ctx.io.stderr(
        `${(await import('./output')).formatDiscovery(result)}\n\nNo settings found for ${address}. Give them with --incoming and --outgoing.\n`
      )
    return exitFor('no-settings-found')
  }
  const { formatDiscovery } = await import('./output')
  ctx.report(ctx.json ? result : formatDiscovery(result))
  return EXIT.ok
}

/** Servers the user typed with --incoming/--outgoing (each side on its own may replace what was found). */
function typedServers(ctx: Ctx, address: string): { incoming?: ServerSettings[]; outgoing?: ServerSettings[] } {
  const { values } = ctx
  return {
    ...(values.incoming ? { incoming: [parseServerUrl(values.incoming, address, 'incoming')] } : {}),
    // A typed submission port gets port 25 on the same host last (shared/submission.ts).
    ...(values.outgoing ? { outgoing: withPort25(parseServerUrl(values.outgoing, address, 'outgoing')) } : {})
  }
}

/**
 * start(address) and the choice of candidate, as the setup session takes them: the session id and
 * the choices, never the servers found (main plans from its own record). Without typed servers for
 * both sides, discovery runs once (twice when Autodiscover asked for the password, consent.ts).
 */
async function startSession(
  ctx: Ctx,
  address: string,
  password?: string
): Promise<{ sessionId?: string; choices: SetupChoices; candidate?: Candidate }> {
  const { values } = ctx
  const protocol: IncomingProtocol = values.pop ? 'pop3' : 'imap'
  if (values.incoming && values.outgoing) return { choices: { protocol } }
  const { autodiscoverAsks, chooseCandidate } = await import('../discovery/consent')
  let found = await call(ctx, 'discover', { runId: 'cli', address })
  if (password && autodiscoverAsks(found))
    found = await call(ctx, 'discover', {
      runId: 'cli',
      address,
      sessionId: found.sessionId,
      credentials: { kind: 'password', password }
    })
  const { candidate: best, unconfirmed } = chooseCandidate(found)
  if (!best) throw new Failure(diagnose('no-settings-found', { detail: 'give --incoming and --outgoing' }))
  const accept = Boolean(values['accept-untrusted'])
  if (unconfirmed && !accept) throw new Failure(unconfirmed)
  if (unconfirmed)
    ctx.io.stderr(
      term`Warning: using settings nothing vouches for (--accept-untrusted): from ${best.source}, ${unconfirmed.params?.why ?? ''} Servers: ${unconfirmed.params?.servers ?? ''}\n`
    )
  return {
    sessionId: found.sessionId,
    choices: { candidateId: best.id, protocol, ...(accept ? { acceptUntrusted: true } : {}) },
    candidate: best
  }
}

/** discoverVerify for the CLI: the same choices as startSession, made while the check already runs. */
async function verifyAsFound(
  ctx: Ctx,
  address: string,
  password: string,
  exceptions: HostException[]
): Promise<VerifyResult & { sessionId: string }> {
  const { values } = ctx
  const wanted = values.pop ? 'pop3' : 'imap'
  const run = await call(ctx, 'discoverVerify', {
    runId: 'cli',
    address,
    credentials: { kind: 'password', password },
    protocols: [wanted],
    ...typedServers(ctx, address),
    acceptUntrusted: Boolean(values['accept-untrusted']),
    exceptions
  })
  if (run.unconfirmed) throw new Failure(run.unconfirmed)
  const best = run.discovery.candidates.find((c) => c.id === run.candidateId)
  if (!best || !run.verify) {
    const first = run.discovery.candidates[0]
    if (!first) throw new Failure(diagnose('no-settings-found', { detail: 'give --incoming and --outgoing' }))
    throw new Failure(
      diagnose('no-settings-found', {
        params: { protocol: wanted.toUpperCase() },
        detail: `${first.providerName ?? 'this provider'} offers no ${wanted.toUpperCase()}`
      })
    )
  }
  if (best.trust.level !== 'trusted') {
    const unconfirmed = (await import('../discovery/consent')).chooseCandidate(run.discovery).unconfirmed
    ctx.io.stderr(
      term`Warning: using settings nothing vouches for (--accept-untrusted): from ${best.source}, ${unconfirmed?.params?.why ?? ''} Servers: ${unconfirmed?.params?.servers ?? ''}\n`
    )
  }
  return { ...run.verify, sessionId: run.sessionId }
}

/** start, the choice of candidate (or typed servers), the sign-in (password or OAuth), then verify. */
async function verifyChosen(
  ctx: Ctx,
  address: string,
  password: string | undefined,
  typed: ReturnType<typeof typedServers>,
  exceptions: HostException[]
): Promise<VerifyResult & { sessionId: string }> {
  const { values, io } = ctx
  const { sessionId, choices, candidate } = await startSession(ctx, address, password)
  let credentials: Credentials
  if (values.oauth) {
    // The same flow as the wizard's: the URL to open, then the loopback redirect.
    const begun = await call(ctx, 'oauthBegin', {
      runId: 'cli-oauth',
      sessionId: sessionId ?? '',
      candidateId: candidate?.id ?? ''
    })
    io.stderr(
      `Open this address in your browser to sign in:\n\n  ${begun.authorizeUrl}\n\nWaiting for the sign-in to finish…\n`
    )
    const done = await call(ctx, 'oauthComplete', { sessionId: begun.sessionId })
    credentials = { kind: 'oauth2', sessionId: done.sessionId }
  } else {
    credentials = { kind: 'password', password: password! }
  }
  const session = sessionId ? { sessionId } : { address }
  return call(ctx, 'verify', { runId: 'cli', ...session, choices, ...typed, credentials, exceptions })
}

async function verifyCommand(ctx: Ctx, address: string): Promise<number> {
  const { values, io } = ctx
  const [{ readPassword }, { formatDiagnosis, formatKeychainFailure, formatVerify }] = await Promise.all([
    import('./password'),
    import('./output')
  ])
  const password = values.oauth
    ? undefined
    : await readPassword(values['password-stdin'] ? io.stdin : undefined, io.env)
  if (!values.oauth && !password)
    throw new UsageError('a password is needed: pipe it to --password-stdin or set MAIL_SETUP_PASSWORD, or use --oauth')
  // An OAuth account is its sign-in: saving one keeps the refresh token in the keychain.
  if (values.oauth && values['no-keychain'])
    throw new UsageError(
      '--no-keychain does not apply to --oauth (the sign-in is kept in the keychain with the account); use --no-save to keep nothing'
    )
  const typed = typedServers(ctx, address)
  const exceptions: HostException[] = [
    ...(values['trust-cert'] ?? []).map(parseTrust),
    ...(values['allow-plaintext'] ?? []).map((v) => ({
      ...parseHostPort(v, '--allow-plaintext'),
      allowPlaintext: true
    }))
  ]
  // With a password, the check starts on the first trusted settings the search finds (discoverVerify).
  const result =
    !values.oauth && !(values.incoming && values.outgoing)
      ? await verifyAsFound(ctx, address, password!, exceptions)
      : await verifyChosen(ctx, address, password, typed, exceptions)
  const { sessionId: checked, ...verify } = result
  const lines: string[] = [formatVerify(verify, Boolean(values.transcript))]
  const output: Record<string, unknown> = { verify }
  if (!verify.incoming || !verify.outgoing) {
    if (ctx.json) jsonFailure(io, 'verify', verify.diagnosis, verifyExit(verify.diagnosis), output)
    else io.stderr(`${lines.join('\n')}\n`)
    return verifyExit(verify.diagnosis)
  }
  if (values['round-trip']) {
    const rt = await call(ctx, 'roundTrip', { runId: 'cli', sessionId: checked })
    output.roundTrip = rt
    lines.push(
      rt.ok
        ? `Round trip: delivered in ${Math.round(rt.deliveredMs ?? 0)} ms${rt.removed ? ', test message removed' : ''}`
        : `Round trip FAILED\n${rt.diagnosis ? formatDiagnosis(rt.diagnosis) : ''}`
    )
    if (!rt.ok) {
      if (ctx.json) jsonFailure(io, 'verify', rt.diagnosis, verifyExit(rt.diagnosis), output)
      else io.stderr(`${lines.join('\n')}\n`)
      return verifyExit(rt.diagnosis)
    }
  }
  if (!values['no-save']) {
    // Main builds the account from what it verified in this session and stamps the time.
    const saved = await call(ctx, 'saveAccount', {
      sessionId: checked,
      displayName: values.name ?? '',
      storePassword: !values['no-keychain'] && !values.oauth
    })
    output.account = saved.account
    output.keychain = saved.keychain
    lines.push(`Saved account ${saved.account.id}.`)
    if (values.oauth) {
      const k = saved.keychain
      lines.push(
        k.stored
          ? `The sign-in (refresh token) is kept in the system keychain (service "${k.service}").`
          : `The sign-in is NOT kept in the keychain (${k.code ?? 'no refresh token given'}); the account is saved, sign in again next time.`
      )
    } else if (!values['no-keychain']) {
      lines.push(
        saved.keychain.stored
          ? `Password stored in the system keychain (service "${saved.keychain.service}").`
          : `Password NOT stored in the keychain (${saved.keychain.code ?? 'unknown'}); the account is saved without it.`
      )
    }
    if (!saved.keychain.stored && saved.keychain.code) lines.push(formatKeychainFailure(saved.keychain))
  }
  if (values['no-save'] && values.oauth) lines.push('Not saved: the sign-in is forgotten when this command ends.')
  ctx.report(ctx.json ? output : lines.join('\n'))
  return EXIT.ok
}

async function exportCommand(ctx: Ctx, addressArg: string | undefined): Promise<number> {
  const { values, io } = ctx
  if (values['list-formats']) {
    const { formats } = await call(ctx, 'listFormats', {})
    ctx.report(
      ctx.json
        ? formats
        : formats
            .map(
              (f) =>
                `${f.id.padEnd(24)} ${f.name} (${[f.supports.imap && 'IMAP', f.supports.pop3 && 'POP3', f.supports.oauth2 && 'OAuth2'].filter(Boolean).join(', ')})`
            )
            .join('\n')
    )
    return EXIT.ok
  }
  const address = requireAddress(addressArg)
  if (!values.format) throw new UsageError('--format is required (see --list-formats)')
  const { formats } = await call(ctx, 'listFormats', {})
  const format = formats.find((f) => f.id === values.format)
  if (!format) throw new UsageError(`unknown format ${quoteArg(values.format)} (see --list-formats)`)
  let accountId: string
  if (values.incoming || values.outgoing) {
    if (!values.incoming || !values.outgoing) throw new UsageError('give both --incoming and --outgoing')
    // Typed servers saved unchecked (no verifiedAt): plan, then save from the session's plan.
    const { sessionId } = await call(ctx, 'plan', { address, ...typedServers(ctx, address) })
    const saved = await call(ctx, 'saveAccount', {
      sessionId,
      displayName: values.name ?? '',
      storePassword: false,
      unchecked: true
    })
    accountId = saved.account.id
  } else {
    const { accounts } = await call(ctx, 'listAccounts', {})
    const account = accounts
      .filter((a) => a.address.toLowerCase() === address.toLowerCase())
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]
    if (!account)
      throw new Failure(
        diagnose('account-not-found', {
          params: { address },
          detail: `no verified account for ${address}: run "mail-setup verify ${address}" first, or give --incoming and --outgoing`
        })
      )
    accountId = account.id
  }
  const file = await call(ctx, 'exportProfile', { accountId, format: format.id })
  const data = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8')
  if (values.out) {
    // Refusals (a device, FIFO or folder at the path, a missing or read-only folder) are export failures.
    await writeUserFile(values.out, data).catch((err: unknown) => {
      throw err instanceof AppError ? new Failure(err.diagnosis) : err
    })
    if (ctx.json) ctx.report({ path: values.out, fileName: file.fileName, mimeType: file.mimeType, bytes: data.length })
    else io.stderr(`Wrote ${data.length} bytes to ${values.out}\n`)
  } else if (ctx.json) {
    ctx.report(file)
  } else {
    writeFileSync(1, data)
  }
  return EXIT.ok
}

async function accountsCommand(ctx: Ctx): Promise<number> {
  const { accounts, problem } = await call(ctx, 'listAccounts', {})
  if (ctx.json) ctx.report({ accounts, problem })
  else
    ctx.report(
      accounts.length
        ? accounts
            .map(
              (a) =>
                `${a.id}  ${a.address}  ${a.incoming.protocol.toUpperCase()} ${a.incoming.host}  SMTP ${a.outgoing.host}  ${a.verifiedAt ? `verified ${a.verifiedAt}` : 'not verified'}`
            )
            .join('\n')
        : 'No accounts yet.'
    )
  return EXIT.ok
}

// Run when executed directly (built as out/main/cli.js, or through tsx in development).
const invokedDirectly = process.argv[1] && /cli(\/index)?\.(js|ts)$/.test(process.argv[1])
if (invokedDirectly || process.env.MAIL_SETUP_CLI_MAIN === '1') {
  void runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: process.stdin,
    env: process.env
  }).then((code) => {
    process.exitCode = code
  })
}
