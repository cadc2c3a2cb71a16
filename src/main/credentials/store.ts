// Credential store over keytar (macOS Keychain, Windows Credential Vault, Secret Service).
// keytar is loaded lazily: a missing native module or a missing keyring daemon becomes a
// typed KeychainStatus, never a crash. Secrets never leave this module except to the caller.
import type { KeychainStatus } from '../../shared/account'
import { AppError } from '../errors'
import { registerSecret } from '../redact'
import { keytarFix } from './build-hint'
import { classifyKeychainError, type KeychainCode } from '../diagnosis/keychain'
import { defaultCollectionLocked } from './secret-service'
import { childKeytar, STALE_SECRET_SERVICE } from './keytar-child'

export interface CredentialStore {
  readonly service: string
  /** Saves or replaces the secret. `stored: false` comes with a keychain code. */
  save(key: string, secret: string): Promise<KeychainStatus>
  /**
   * The secret, or null when there is none. Throws AppError (keychain-*) when the keychain
   * cannot be reached, and keychain-locked when nothing was found because it is locked
   * (libsecret answers a read from a locked collection as "none").
   */
  get(key: string): Promise<string | null>
  /** Deletes the secret; `stored: false` without a code means it is gone (or never existed). */
  remove(key: string): Promise<KeychainStatus>
  /** Whether the keychain accepts a write now (writes and deletes a probe entry). */
  status(): Promise<KeychainStatus>
}

/** The part of keytar this store uses. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export interface CredentialStoreOptions {
  /** Deadline for one keychain call; an unanswered unlock prompt must not hang the app. */
  timeoutMs?: number
  /** Replaces the keytar loader (a different backend, or a failing import). */
  load?: () => Promise<KeytarLike>
  /**
   * The argv prefix of this app's command line (self-command.ts): with it, once this process's
   * keytar is found talking to a keyring daemon that has gone, each call runs in a new process.
   * Asked for only then: finding it reads the file system, which start-up need not do.
   */
  helper?: () => readonly string[]
}

const PROBE_KEY = 'mail-setup-probe'
const DEFAULT_TIMEOUT_MS = 60_000

export async function loadKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike
  return mod.default ?? mod
}

class KeychainError extends Error {
  constructor(
    readonly code: KeychainCode,
    detail: string,
    /** Diagnosis params; `context: 'module'` picks the words for a keytar that is not built. */
    readonly params?: Record<string, string>
  ) {
    super(detail)
  }
}

export function createCredentialStore(service: string, options: CredentialStoreOptions = {}): CredentialStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let keytar: Promise<KeytarLike> | undefined

  async function backend(): Promise<KeytarLike> {
    keytar ??= (options.load ?? loadKeytar)()
    try {
      return await keytar
    } catch (err) {
      keytar = undefined
      // Not a keychain problem but a missing native module: say what to install and build.
      throw new KeychainError('keychain-unavailable', `keytar could not be loaded: ${message(err)}`, {
        context: 'module',
        ...keytarFix()
      })
    }
  }

  /** Set once this process's keytar was found talking to a keyring daemon that is gone. */
  let inChild: KeytarLike | undefined

  async function call<T>(fn: (k: KeytarLike) => Promise<T>): Promise<T> {
    const k = await backend()
    try {
      return await callOn(k, fn)
    } catch (err) {
      // The call reached no daemon (its bus name is gone), so nothing was written: ask the one
      // running now, through a new process, and keep doing so for this store. Decided per call,
      // so calls already under way when the daemon went are asked again too.
      const stale = err instanceof KeychainError && STALE_SECRET_SERVICE.test(err.message)
      if (!stale || k === inChild || !options.helper || options.load) throw err
      inChild ??= childKeytar(options.helper(), timeoutMs)
      keytar = Promise.resolve(inChild)
      return callOn(inChild, fn)
    }
  }

  async function callOn<T>(k: KeytarLike, fn: (k: KeytarLike) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KeychainError('keychain-locked', `no answer from the keychain in ${timeoutMs} ms`)),
        timeoutMs
      )
      timer.unref?.()
    })
    try {
      return await Promise.race([fn(k), deadline])
    } catch (err) {
      if (err instanceof KeychainError) throw err
      const detail = message(err)
      throw new KeychainError(classifyKeychainError(detail), detail)
    } finally {
      clearTimeout(timer)
    }
  }

  function failed(err: unknown): KeychainStatus {
    if (err instanceof KeychainError)
      return { stored: false, code: err.code, service, ...(err.params ? { params: err.params } : {}) }
    return { stored: false, code: 'keychain-unavailable', service }
  }

  async function status(): Promise<KeychainStatus> {
    try {
      await call((k) => k.setPassword(service, PROBE_KEY, 'probe'))
      await call((k) => k.deletePassword(service, PROBE_KEY))
      return { stored: true, service }
    } catch (err) {
      return failed(err)
    }
  }

  return {
    service,
    status,

    async save(key, secret) {
      registerSecret(secret)
      try {
        await call((k) => k.setPassword(service, key, secret))
        return { stored: true, service }
      } catch (err) {
        return failed(err)
      }
    },

    async get(key) {
      try {
        const secret = await call((k) => k.getPassword(service, key))
        if (secret) registerSecret(secret)
        // "Nothing" from a locked keychain is not "nothing kept": the caller must not say so.
        if (secret === null && (await defaultCollectionLocked()))
          throw new KeychainError('keychain-locked', 'nothing could be read: the keychain is locked')
        return secret
      } catch (err) {
        const code = err instanceof KeychainError ? err.code : 'keychain-unavailable'
        // A locked keychain on a read: the `_read` words say what could not be read, not stored.
        const params = err instanceof KeychainError ? err.params : undefined
        const context: Record<string, string> =
          code === 'keychain-locked' && !params?.context ? { context: 'read' } : {}
        throw new AppError({ code, detail: message(err), params: { ...context, ...params, service } })
      }
    },

    async remove(key) {
      try {
        const deleted = await call((k) => k.deletePassword(service, key))
        if (deleted) return { stored: false, service }
        // Nothing deleted: either there was nothing, or a locked keyring hid it.
        const health = await status()
        return health.code ? health : { stored: false, service }
      } catch (err) {
        return failed(err)
      }
    }
  }
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500)
}
