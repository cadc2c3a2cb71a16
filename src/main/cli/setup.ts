// `mail-setup setup`: the silent mode for installers and login scripts. One account, start to
// finish (discover, verify for real, save, export), with no prompt and nothing read from a
// terminal; the answer is the exit code (docs/admin.md), plus one line on stderr on failure
// and a JSON document with --json. Nothing is written unless every step succeeded: a refused
// sign-in, a policy violation or settings nothing vouches for stop before the accounts list,
// the keychain or --out is touched, and a failed export takes the saved account back out.
import { resolve } from 'node:path'
import type { Handlers, dispatch as Dispatch } from '../api/handlers'
import type { OperationName, Request, Response, Result } from '../../shared/api'
import type { Diagnosis } from '../../shared/diagnosis'
import type { Services } from '../services'
import { AppError } from '../errors'
import { writeUserFile } from '../files'
import { UsageError } from './args'
import { chooseCandidate } from '../discovery/consent'
import { resolvePasswordRef, RefError } from '../bulk/password-ref'
import { registerSecret } from '../redact'
import { readPassword } from './password'
import { checkFormat, checkProtocol } from '../policy'
import { diagnose, EXIT, exitFor, inGroup } from '../../shared/diagnosis-catalog'

/** Documented in docs/admin.md: the catalog's exit codes, as for every other command. */
export const SETUP_EXIT = {
  ok: EXIT.ok,
  usage: EXIT.usage,
  noSettings: EXIT.discovery,
  signIn: EXIT.verification,
  export: EXIT.export,
  unconfirmed: EXIT.unconfirmed,
  policy: EXIT.policy,
  policyInvalid: EXIT.policyInvalid
} as const

export interface SetupFlags {
  policy?: string
  address?: string
  format?: string
  out?: string
  passwordEnv?: string
  passwordRef?: string
  passwordStdin: boolean
  pop: boolean
  name?: string
  noKeychain: boolean
}

export interface SetupIo {
  services: Services
  handlers: Handlers
  dispatch: typeof Dispatch
  env: NodeJS.ProcessEnv
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** The outcome: a diagnosis and exit code, or what was written. */
  done(outcome: { exitCode: number; diagnosis?: Diagnosis; result?: unknown }): void
}

class Stop extends Error {
  constructor(
    readonly exitCode: number,
    readonly diagnosis: Diagnosis
  ) {
    super(diagnosis.code)
  }
}

export async function setupCommand(flags: SetupFlags, io: SetupIo): Promise<number> {
  try {
    const result = await run(flags, io)
    io.done({ exitCode: SETUP_EXIT.ok, result })
    return SETUP_EXIT.ok
  } catch (err) {
    if (err instanceof Stop) {
      io.done({ exitCode: err.exitCode, diagnosis: err.diagnosis })
      return err.exitCode
    }
    throw err
  }
}

function policyStop(err: unknown): never {
  if (err instanceof AppError && inGroup(err.diagnosis.code, 'policy'))
    throw new Stop(exitFor(err.diagnosis.code), err.diagnosis)
  throw err
}

async function run(flags: SetupFlags, io: SetupIo): Promise<unknown> {
  const { services } = io
  if (!flags.address) throw new UsageError('setup needs --address ADDRESS')
  if (!flags.format) throw new UsageError('setup needs --export FORMAT (see mail-setup export --list-formats)')
  if (!flags.out) throw new UsageError('setup needs --out FILE for the exported profile')
  const sources = [flags.passwordEnv, flags.passwordRef, flags.passwordStdin || undefined].filter(
    (s) => s !== undefined
  )
  if (sources.length !== 1)
    throw new UsageError(
      'setup needs exactly one of --password-env VAR, --password-ref env:VAR|keychain:KEY|cmd:COMMAND, --password-stdin'
    )
  // Silent means silent: a terminal on standard input would be a prompt in disguise.
  if (flags.passwordStdin && io.stdin.isTTY)
    throw new UsageError('--password-stdin reads a pipe or a file, never a terminal: setup does not prompt')

  // The organisation's policy first: a file that cannot be used stops everything.
  const policy = services.policy
  const { policyFile, policyManaged } = services.config
  if (flags.policy && policyManaged && policyFile && resolve(policyFile) !== resolve(flags.policy)) {
    throw new Stop(
      SETUP_EXIT.policyInvalid,
      diagnose('policy-invalid', {
        params: {
          file: flags.policy,
          issues: `the organisation's policy ${policyFile} is in force; --policy cannot replace it`
        }
      })
    )
  }
  if (policy.problem) {
    throw new Stop(
      SETUP_EXIT.policyInvalid,
      diagnose('policy-invalid', {
        params: { file: policy.problem.file, issues: policy.problem.issues.join('; ').slice(0, 480) }
      })
    )
  }
  // Every refusal's exit code is its diagnosis's (the catalog), as for the other commands.
  const call = async <K extends OperationName>(name: K, request: Request<K>): Promise<Response<K>> => {
    const r = (await io.dispatch(io.handlers, name, request)) as Result<Response<K>>
    if (!r.ok) throw new Stop(exitFor(r.error.code), r.error)
    return r.value
  }
  const { formats } = await call('listFormats', {})
  if (!formats.some((f) => f.id === flags.format)) {
    try {
      checkFormat(policy.rules, flags.format)
    } catch (err) {
      policyStop(err)
    }
    throw new UsageError(`unknown export format ${flags.format} (see mail-setup export --list-formats)`)
  }
  const protocol = flags.pop ? 'pop3' : 'imap'
  try {
    checkProtocol(policy.rules, protocol)
  } catch (err) {
    policyStop(err)
  }

  const password = await passwordOf(flags, io)
  const found = await call('discover', { runId: 'setup', address: flags.address })
  const { candidate, unconfirmed } = chooseCandidate(found)
  if (!candidate) throw new Stop(SETUP_EXIT.noSettings, diagnose('no-settings-found'))
  // No consent can be given silently: settings nothing vouches for get no password.
  if (unconfirmed) throw new Stop(SETUP_EXIT.unconfirmed, unconfirmed)
  if (!candidate.incoming.some((s) => s.protocol === protocol))
    throw new Stop(
      SETUP_EXIT.noSettings,
      diagnose('no-settings-found', {
        params: { protocol: protocol.toUpperCase() },
        detail: `${candidate.providerName ?? 'the provider'} offers no ${protocol.toUpperCase()}`
      })
    )

  // The setup session plans from its own record: only the session, the choices and the password go back.
  const verified = await call('verify', {
    runId: 'setup',
    sessionId: found.sessionId,
    choices: { candidateId: candidate.id, protocol },
    credentials: { kind: 'password', password }
  })
  if (!verified.incoming || !verified.outgoing || verified.diagnosis)
    throw new Stop(SETUP_EXIT.signIn, verified.diagnosis ?? diagnose('internal', { detail: 'not verified' }))

  const storePassword = !flags.noKeychain && (policy.rules.defaults?.storePassword ?? true)
  const saved = await call('saveAccount', {
    sessionId: found.sessionId,
    ...(flags.name ? { displayName: flags.name } : {}),
    storePassword
  })
  try {
    const file = await call('exportProfile', {
      accountId: saved.account.id,
      format: flags.format as Request<'exportProfile'>['format']
    })
    const data = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8')
    await writeUserFile(flags.out, data).catch((err: unknown) => {
      throw err instanceof AppError ? new Stop(SETUP_EXIT.export, err.diagnosis) : err
    })
    return {
      account: saved.account,
      keychain: saved.keychain,
      export: { path: flags.out, format: file.format, bytes: data.length }
    }
  } catch (err) {
    // Nothing half done: without its export the account (and its keychain entry) goes again.
    await io.dispatch(io.handlers, 'removeAccount', { id: saved.account.id, removeSecret: true })
    throw err
  }
}

async function passwordOf(flags: SetupFlags, io: SetupIo): Promise<string> {
  let password: string | undefined
  try {
    if (flags.passwordEnv !== undefined) password = io.env[flags.passwordEnv]
    else if (flags.passwordRef !== undefined)
      password = await resolvePasswordRef(flags.passwordRef, io.env, io.services.credentials)
    else password = await readPassword(io.stdin, {})
  } catch (err) {
    if (err instanceof RefError) throw new UsageError(err.message)
    throw err
  }
  if (!password)
    throw new UsageError(
      flags.passwordEnv !== undefined
        ? `the environment variable ${flags.passwordEnv} is empty or not set`
        : 'no password was given'
    )
  registerSecret(password)
  return password
}
