// Browser mode's guards, against the real HTTP server and real services.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { startBrowserServer, type BrowserServer } from '../../src/main/doors/http'
import { createServices } from '../../src/main/services'
import { loadConfig } from '../../src/main/config'
import { builtSecureContext } from '../../src/main/net/trust'

let server: BrowserServer
let origin: string

function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
      )
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const auth = (): Record<string, string> => ({
  authorization: `Bearer ${server.token}`,
  'content-type': 'application/json',
  origin
})

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'door-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder')
  const config = loadConfig({ MAIL_SETUP_USER_DATA: join(dir, 'data'), MAIL_SETUP_OFFLINE: '1' })
  server = await startBrowserServer({ services: createServices(config), rendererDir, version: '9.9.9' })
  origin = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server?.close()
})

describe('browser mode server', () => {
  it('builds the trust store and TLS context once it listens, not at the first search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'door-'))
    const rendererDir = join(dir, 'renderer')
    mkdirSync(rendererDir)
    const services = createServices(loadConfig({ MAIL_SETUP_USER_DATA: join(dir, 'data') }))
    const online = await startBrowserServer({ services, rendererDir, version: '9.9.9' })
    try {
      await new Promise((r) => setImmediate(r))
      expect(builtSecureContext(services.ca)).toBeDefined()
    } finally {
      await online.close()
    }
  })

  it('listens on 127.0.0.1 and puts the token in the URL fragment only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/)
  })

  it('serves the renderer with the CSP and no CORS headers', async () => {
    const res = await raw('/')
    expect(res.status).toBe(200)
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('does not serve files outside the renderer folder', async () => {
    expect((await raw('/../secret.txt')).status).toBe(404)
    expect((await raw('/%2e%2e/secret.txt')).status).toBe(404)
  })

  it('answers an API call with the token', async () => {
    const res = await raw('/api/op/appInfo', { method: 'POST', headers: auth(), body: '{}' })
    expect(res.status).toBe(200)
    const body = JSON.parse(res.body)
    expect(body).toMatchObject({
      ok: true,
      value: { name: 'Mail Setup', version: '9.9.9', door: 'browser', canSaveFiles: false }
    })
  })

  it('refuses a call without the token, with a wrong token, from another origin or host', async () => {
    expect(
      (await raw('/api/op/appInfo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))
        .status
    ).toBe(401)
    expect(
      (
        await raw('/api/op/appInfo', {
          method: 'POST',
          headers: { ...auth(), authorization: 'Bearer nope' },
          body: '{}'
        })
      ).status
    ).toBe(401)
    expect(
      (
        await raw('/api/op/appInfo', {
          method: 'POST',
          headers: { ...auth(), origin: 'http://evil.example' },
          body: '{}'
        })
      ).status
    ).toBe(403)
    // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends its own Host.
    expect(
      (
        await raw('/api/op/appInfo', {
          method: 'POST',
          headers: { ...auth(), host: `evil.example:${server.port}` },
          body: '{}'
        })
      ).status
    ).toBe(421)
    expect((await raw('/', { headers: { host: 'localhost.evil.example' } })).status).toBe(421)
  })

  it('validates requests with the contract and answers errors as values', async () => {
    const bad = JSON.parse(
      (await raw('/api/op/discover', { method: 'POST', headers: auth(), body: '{"runId": 5}' })).body
    )
    expect(bad).toMatchObject({ ok: false, error: { code: 'internal' } })
    const unknown = JSON.parse(
      (await raw('/api/op/deleteEverything', { method: 'POST', headers: auth(), body: '{}' })).body
    )
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const badAddress = JSON.parse(
      (
        await raw('/api/op/discover', {
          method: 'POST',
          headers: auth(),
          body: '{"runId":"r","address":"not an address"}'
        })
      ).body
    )
    expect(badAddress).toMatchObject({ ok: false, error: { code: 'address-invalid', userFixable: true } })
    expect(
      (
        await raw('/api/op/appInfo', {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'text/plain' },
          body: '{}'
        })
      ).status
    ).toBe(415)
    expect((await raw('/api/op/appInfo', { method: 'POST', headers: auth(), body: '{not json' })).status).toBe(400)
  })

  it('streams a bulk report once, to the holder of the token only', async () => {
    const call = async (
      op: string,
      body: unknown
    ): Promise<{ ok: boolean; value?: Record<string, string>; error?: unknown }> =>
      JSON.parse((await raw(`/api/op/${op}`, { method: 'POST', headers: auth(), body: JSON.stringify(body) })).body)
    // A row without a password ends at once, with no network.
    const piece = await call('bulkAppend', { piece: 'address,password_ref\nnobody@nowhere.test,\n' })
    const list = await call('bulkOpen', { fileName: 'team.csv', uploadId: piece.value!.uploadId })
    const started = await call('bulkStart', {
      runId: 'dl',
      listId: list.value!.listId,
      allowPlainPasswords: false,
      confirmedCommands: []
    })
    expect(started.ok).toBe(true)
    let report = await call('bulkReport', { runId: 'dl', format: 'csv' })
    for (let i = 0; i < 100 && !report.ok; i++) {
      await new Promise((r) => setTimeout(r, 50))
      report = await call('bulkReport', { runId: 'dl', format: 'csv' })
    }
    expect(report).toMatchObject({ ok: true, value: { fileName: 'team.results.csv', saved: false } })
    const path = report.value!.download!
    expect(path).toMatch(/^\/api\/download\/[\w-]{24}$/)
    expect((await raw(path)).status).toBe(401)
    expect((await raw(path, { headers: { ...auth(), origin: 'http://evil.example' } })).status).toBe(403)
    const file = await raw(path, { headers: auth() })
    expect(file.status).toBe(200)
    expect(file.headers['content-disposition']).toBe("attachment; filename*=UTF-8''team.results.csv")
    expect(file.headers['content-type']).toBe('text/csv;charset=utf-8')
    expect(file.body).toMatch(/^1,nobody@nowhere\.test,no-password,/m)
    // Once: the path is spent.
    expect((await raw(path, { headers: auth() })).status).toBe(404)
  })
})
