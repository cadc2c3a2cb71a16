// The keyring daemon restarts while the app runs (gnome-keyring crashed and was started again,
// or the session's keyring was replaced). libsecret in a process keeps its first connection,
// addressed to the old daemon's bus name, so this process's keytar fails from then on; the
// store must still save and read through the daemon running now. This file runs on a bus and
// keyring of its own, so restarting it leaves the rest of the run's keyring alone.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { credentialKey } from '../../src/main/credentials/entries'
import { STALE_SECRET_SERVICE } from '../../src/main/credentials/keytar-child'
import { createCredentialStore, type KeytarLike } from '../../src/main/credentials/store'
import { startSessionKeyring, type SessionKeyring } from '../world/keyring'
import { bundledCli } from '../cli/process'

const SERVICE = `Mail Setup restart ${randomBytes(4).toString('hex')}`
const key = (user: string) => credentialKey('rita@bench.test', 'incoming', user)
const pw = () => `pw-${randomBytes(9).toString('base64url')}`
let keyring: SessionKeyring
let dir: string
/** The app's command line, as the store runs it (self-command.ts): here the bundled CLI. */
let helper: () => string[]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restart-keyring-'))
  keyring = await startSessionKeyring(dir, pw())
  const cli = await bundledCli()
  helper = () => [process.execPath, cli]
  // What bin/mail-setup.js sets before it loads the bundle; the helper process inherits it.
  process.env.MAIL_SETUP_CLI_MAIN = '1'
})
afterAll(async () => {
  await keyring?.stop()
  await rm(dir, { recursive: true, force: true })
})

it('keeps saving, reading and removing after the keyring daemon restarts', async () => {
  // Made before the restart, as the app's store is.
  const store = createCredentialStore(SERVICE, { timeoutMs: 15_000, helper })
  const k = key('rita')
  const first = pw()
  expect(await store.save(k, first)).toEqual({ stored: true, service: SERVICE })
  expect(await store.get(k)).toBe(first)

  await keyring.restart()
  // The condition to get past: this process's own keytar now reaches nothing.
  const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike
  await expect((mod.default ?? mod).getPassword(SERVICE, k)).rejects.toThrow(STALE_SECRET_SERVICE)

  // The entry outlived the restart (the keyring's files), and the store reads it from the new daemon.
  expect(await store.get(k)).toBe(first)
  // Through the helper process's pipes, whole: characters of several bytes, a line break.
  const second = `${pw()} pässwörd €\n日本語 ${'ü'.repeat(3000)}`
  expect(await store.save(k, second)).toEqual({ stored: true, service: SERVICE })
  expect(await store.get(k)).toBe(second)
  expect(await store.get(key('never-saved'))).toBeNull()
  expect(await store.status()).toEqual({ stored: true, service: SERVICE })
  expect(await store.remove(k)).toEqual({ stored: false, service: SERVICE })
  expect(await store.get(k)).toBeNull()
})

it('asks again every call that was under way when the daemon went, not only the first', async () => {
  const store = createCredentialStore(SERVICE, { timeoutMs: 15_000, helper })
  const keys = ['u1', 'u2', 'u3'].map(key)
  const secrets = keys.map(() => pw())
  for (const [i, k] of keys.entries()) expect((await store.save(k, secrets[i]!)).stored).toBe(true)
  await keyring.restart()
  expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(secrets)
  for (const k of keys) await store.remove(k)
})

it('leaves a store with a backend of its own as it is: no helper process for an injected keytar', async () => {
  const stale = () => Promise.reject(new Error('The name :1.9 was not provided by any .service files'))
  const store = createCredentialStore(SERVICE, {
    helper,
    load: async () => ({ getPassword: stale, setPassword: stale, deletePassword: stale })
  })
  await expect(store.get(key('x'))).rejects.toMatchObject({ diagnosis: { code: 'keychain-unavailable' } })
})
