// The credential store against the bench's real Secret Service (gnome-keyring over D-Bus):
// save, read, replace, delete; the entry as secret-tool sees it; a locked keyring; no keyring.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createConnection, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import { credentialKey } from '../../src/main/credentials/entries'
import { createCredentialStore } from '../../src/main/credentials/store'
import { defaultCollectionLocked, sessionBusPath } from '../../src/main/credentials/secret-service'
import { AppError } from '../../src/main/errors'
import { redact } from '../../src/main/redact'
import { envWithoutKeyring, keyringLocked, lockKeyring, unlockKeyring } from '../world'
import { storeInChild } from './child'

const run = promisify(execFile)
const bench = inject('bench')
const SERVICE = `${bench.env.MAIL_SETUP_KEYCHAIN_SERVICE} ${randomBytes(4).toString('hex')}`
const store = createCredentialStore(SERVICE, { timeoutMs: 15_000 })
const key = (user: string) => credentialKey('alice@bench.test', 'incoming', user)
const pw = () => `pw-${randomBytes(9).toString('base64url')}`

afterEach(async () => {
  if (await keyringLocked()) await unlockKeyring()
})

describe('credential store on the real Secret Service', () => {
  it('saves, reads, replaces and deletes a password', async () => {
    const k = key('alice-crud')
    const first = pw()
    expect(await store.save(k, first)).toEqual({ stored: true, service: SERVICE })
    expect(await store.get(k)).toBe(first)
    const second = pw()
    expect((await store.save(k, second)).stored).toBe(true)
    expect(await store.get(k)).toBe(second)
    expect(await store.remove(k)).toEqual({ stored: false, service: SERVICE })
    expect(await store.get(k)).toBeNull()
    // Removing what is not there is not an error.
    expect(await store.remove(k)).toEqual({ stored: false, service: SERVICE })
  })

  it('stores under service/account attributes that secret-tool (and so every export) reads', async () => {
    const k = credentialKey('Alice@Bench.test', 'outgoing', 'Alice')
    expect(k).toBe('outgoing:alice@alice@bench.test')
    const secret = `p'"\\ $x ü ${pw()}`
    await store.save(k, secret)
    const { stdout } = await run('secret-tool', ['lookup', 'service', SERVICE, 'account', k], { timeout: 10_000 })
    expect(stdout).toBe(secret)
    await store.remove(k)
  })

  it('registers what it handles with the redactor', async () => {
    const k = key('alice-redact')
    const secret = pw()
    await store.save(k, secret)
    expect(redact(`LOGIN failed for ${secret}`)).not.toContain(secret)
    await store.remove(k)
  })

  it('reports a locked keyring as keychain-locked and keeps the entry', async () => {
    const k = key('alice-locked')
    const secret = pw()
    await store.save(k, secret)
    await lockKeyring()
    expect(await keyringLocked()).toBe(true)
    expect(await store.save(k, pw())).toEqual({ stored: false, code: 'keychain-locked', service: SERVICE })
    // libsecret answers a read from a locked collection as "nothing"; the store says why, in the
    // words for a read, whether or not the entry exists (a locked collection hides both alike).
    const lockedRead = { diagnosis: { code: 'keychain-locked', params: { context: 'read', service: SERVICE } } }
    await expect(store.get(k)).rejects.toMatchObject(lockedRead)
    await expect(store.get(key('never-saved'))).rejects.toMatchObject(lockedRead)
    expect(await defaultCollectionLocked()).toBe(true)
    expect(await store.status()).toEqual({ stored: false, code: 'keychain-locked', service: SERVICE })
    expect(await store.remove(k)).toEqual({ stored: false, code: 'keychain-locked', service: SERVICE })
    await unlockKeyring()
    expect(await defaultCollectionLocked()).toBe(false)
    expect(await store.get(k)).toBe(secret)
    expect(await store.get(key('never-saved'))).toBeNull()
    expect(await store.status()).toEqual({ stored: true, service: SERVICE })
    await store.remove(k)
  })
})

describe('no keychain', () => {
  it('reports no session bus as keychain-unavailable, without crashing', async () => {
    const out = await storeInChild(envWithoutKeyring(), SERVICE, key('nobus'), pw())
    expect(await defaultCollectionLocked(envWithoutKeyring())).toBeUndefined()
    expect(out).toEqual({
      saved: { stored: false, code: 'keychain-unavailable', service: SERVICE },
      got: { error: 'keychain-unavailable' },
      status: { stored: false, code: 'keychain-unavailable', service: SERVICE }
    })
  })

  describe('a session bus without a Secret Service', () => {
    let bus: ChildProcess | undefined
    afterAll(() => void bus?.kill('SIGTERM'))

    it('reports keychain-unavailable', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bare-bus-'))
      const conf = join(dir, 'bus.conf')
      // A bus with no service directories: nothing can be activated on it.
      await writeFile(
        conf,
        `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${join(dir, 'bus')}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`
      )
      const child = spawn('dbus-daemon', ['--config-file', conf, '--nofork', '--print-address=1'], {
        stdio: ['ignore', 'pipe', 'ignore']
      })
      bus = child
      const address = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)))
        child.stdout!.on('data', (d: Buffer) => resolve(d.toString().split('\n')[0]!.trim()))
      })
      const out = await storeInChild(
        { ...envWithoutKeyring(), DBUS_SESSION_BUS_ADDRESS: address },
        SERVICE,
        key('bare'),
        pw()
      )
      // Nothing owns the Secret Service name there, and the lock question starts nothing.
      expect(await defaultCollectionLocked({ DBUS_SESSION_BUS_ADDRESS: address })).toBeUndefined()
      expect(out).toMatchObject({
        saved: { stored: false, code: 'keychain-unavailable' },
        got: { error: 'keychain-unavailable' },
        status: { stored: false, code: 'keychain-unavailable' }
      })
    })
  })

  it('reports a keytar that cannot be loaded as keychain-unavailable', async () => {
    const broken = createCredentialStore(SERVICE, { load: () => import('keytar-is-not-installed' as string) })
    // With what to install and which command builds it (the words' `_module` variant).
    const fix = {
      context: 'module',
      install: expect.stringMatching(/^libsecret-1-dev\b/),
      build: expect.stringMatching(/^npm (rebuild keytar|install)$/)
    }
    expect(await broken.save('k', 'secret-value')).toEqual({
      stored: false,
      code: 'keychain-unavailable',
      service: SERVICE,
      params: fix
    })
    await expect(broken.get('k')).rejects.toBeInstanceOf(AppError)
    await expect(broken.get('k')).rejects.toMatchObject({
      diagnosis: { code: 'keychain-unavailable', params: { ...fix, service: SERVICE } }
    })
  })
})

describe('the session bus address', () => {
  it('reads unix paths (escaped) and abstract names, skips other transports, falls back to $XDG_RUNTIME_DIR/bus', async () => {
    const at = (DBUS_SESSION_BUS_ADDRESS: string) => sessionBusPath({ DBUS_SESSION_BUS_ADDRESS })
    expect(at('unix:path=/run/user/1000/bus')).toBe('/run/user/1000/bus')
    expect(at('tcp:host=localhost,port=1;unix:path=/tmp/a%20b/bus,guid=0123')).toBe('/tmp/a b/bus')
    expect(at('unix:abstract=/tmp/dbus-XYZ,guid=0123')).toBe('\0/tmp/dbus-XYZ')
    expect(at('autolaunch:')).toBeUndefined()
    const runtime = await mkdtemp(join(tmpdir(), 'runtime-'))
    expect(sessionBusPath({ XDG_RUNTIME_DIR: runtime })).toBeUndefined()
    await writeFile(join(runtime, 'bus'), '')
    expect(sessionBusPath({ XDG_RUNTIME_DIR: runtime })).toBe(join(runtime, 'bus'))
  })
})

describe('the lock question on the session bus', () => {
  /** A unix-socket relay in front of the real bus that counts the connections made through it. */
  async function countingBusRelay(): Promise<{
    address: string
    connections: () => number
    cut(): void
    close(): void
  }> {
    const target = sessionBusPath(process.env)!
    const dir = await mkdtemp(join(tmpdir(), 'bus-relay-'))
    const sockets = new Set<Socket>()
    let connections = 0
    const server = createServer((client) => {
      connections++
      const upstream = createConnection(target)
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('error', () => undefined)
        s.on('close', () => sockets.delete(s))
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve) => server.listen(join(dir, 'bus'), resolve))
    return {
      address: `unix:path=${join(dir, 'bus')}`,
      connections: () => connections,
      cut: () => sockets.forEach((s) => s.destroy()),
      close: () => {
        sockets.forEach((s) => s.destroy())
        server.close()
      }
    }
  }

  // gnome-keyring 42 keeps state per caller and crashed under a connection per question while
  // keytar worked on the same daemon (a stress run here killed it within 2–5 s; one held
  // connection survived 60 s and 127,000 questions). One connection, as libsecret keeps.
  it('asks every question over one held connection, and follows the lock state', async () => {
    const relay = await countingBusRelay()
    try {
      const env = { DBUS_SESSION_BUS_ADDRESS: relay.address }
      const answers = await Promise.all(Array.from({ length: 10 }, () => defaultCollectionLocked(env)))
      expect(answers).toEqual(Array(10).fill(false))
      for (let i = 0; i < 10; i++) expect(await defaultCollectionLocked(env)).toBe(false)
      await lockKeyring()
      expect(await defaultCollectionLocked(env)).toBe(true)
      await unlockKeyring()
      expect(await defaultCollectionLocked(env)).toBe(false)
      expect(relay.connections()).toBe(1)
      // A connection the bus drops is not asked again: the next question opens a new one.
      relay.cut()
      // Then a turn that polls I/O: the close has reached the held connection before the question.
      await new Promise((r) => setTimeout(r, 50))
      await new Promise((r) => setImmediate(r))
      expect(await defaultCollectionLocked(env)).toBe(false)
      expect(relay.connections()).toBe(2)
    } finally {
      relay.close()
    }
  })
})
