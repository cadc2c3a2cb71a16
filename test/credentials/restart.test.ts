// The keyring daemon restarts while the app runs (gnome-keyring crashed and was started again,
// or the session's keyring was replaced). libsecret in a process keeps its first connection,
// addressed to the old daemon's bus name, so this process's keytar fails from then on; the
// store must still save and read through the daemon running now. This file runs on a bus and
// keyring of its own, so restarting it leaves the rest of the run's keyring alone.
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { credentialKey } from '../../src/main/credentials/entries'
import { STALE_SECRET_SERVICE } from '../../src/main/credentials/keytar-child'
import { createCredentialStore, type KeytarLike } from '../../src/main/credentials/store'
import { startSessionKeyring, type SessionKeyring } from '../world/keyring'

const SERVICE = `Mail Setup restart ${randomBytes(4).toString('hex')}`
const key = (user: string) => credentialKey('rita@bench.test', 'incoming', user)
const pw = () => `pw-${randomBytes(9).toString('base64url')}`
let keyring: SessionKeyring

beforeAll(async () => {
  keyring = await startSessionKeyring(await mkdtemp(join(tmpdir(), 'restart-keyring-')), pw())
})
afterAll(() => keyring?.stop())

it('keeps saving, reading and removing after the keyring daemon restarts', async () => {
  // Made before the restart, as the app's store is.
  const store = createCredentialStore(SERVICE, { timeoutMs: 15_000 })
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
  const second = pw()
  expect(await store.save(k, second)).toEqual({ stored: true, service: SERVICE })
  expect(await store.get(k)).toBe(second)
  expect(await store.get(key('never-saved'))).toBeNull()
  expect(await store.status()).toEqual({ stored: true, service: SERVICE })
  expect(await store.remove(k)).toEqual({ stored: false, service: SERVICE })
  expect(await store.get(k)).toBeNull()
})
