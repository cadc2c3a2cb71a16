// Finding 9, browser door: a bad escape in the path is the client's error (400, not 500), and
// connections that never send a request are closed and capped, against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOOR_LIMITS, startBrowserServer, type BrowserServer } from '../../src/main/doors/http'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'

let server: BrowserServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'door-limits-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  const config = loadConfig({ MAIL_SETUP_USER_DATA: join(dir, 'data'), MAIL_SETUP_OFFLINE: '1' })
  server = await startBrowserServer({ services: createServices(config), rendererDir, version: '9.9.9' })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const host = (): string => `127.0.0.1:${server.port}`

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: server.port }, () => resolve(s))
    s.on('error', reject)
  })
}

/** Resolves when the server ends the connection, with the time it took. */
function closedBy(s: Socket): Promise<number> {
  const t = performance.now()
  return new Promise((resolve) => {
    s.on('error', () => undefined)
    s.once('close', () => resolve(performance.now() - t))
    s.resume()
  })
}

describe('browser door limits', () => {
  it('/%ZZ is a 400, not an internal error', async () => {
    const res = await fetch(`http://${host()}/%ZZ`)
    expect(res.status).toBe(400)
    expect((await fetch(`http://${host()}/a%E0%A4%A`)).status).toBe(400)
  })

  it('closes a connection that sends no request', async () => {
    const s = await open()
    const ms = await closedBy(s)
    expect(ms).toBeLessThan(DOOR_LIMITS.headersMs + DOOR_LIMITS.checkEveryMs * 3)
  })

  it('holds at most maxConnections idle connections at once', async () => {
    const sockets = await Promise.all(Array.from({ length: DOOR_LIMITS.maxConnections + 16 }, () => open()))
    const closings = sockets.map((s) => {
      let closed = false
      s.on('error', () => undefined)
      s.once('close', () => (closed = true))
      return () => closed
    })
    await new Promise((r) => setTimeout(r, 300))
    const open_ = closings.filter((c) => !c()).length
    expect(open_).toBeLessThanOrEqual(DOOR_LIMITS.maxConnections)
    for (const s of sockets) s.destroy()
  })
})
