// The bounded HTTP client against real HTTPS/HTTP servers: redirects (limit, loop, leaving
// HTTPS or the domain, credentials dropped across origins), size cap, deadline, TLS trust.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LookupFunction } from 'node:net'
import { HttpError, httpRequest, type HttpRequest } from '../../src/main/net/http'
import { builtSecureContext } from '../../src/main/net/trust'
import { discoveryWorld, xmlReply, type DiscoveryWorld as World } from './discovery'

let world: World
const D = 'web.example'

beforeAll(async () => {
  world = await discoveryWorld([D, 'other.example'])
  world.host(D, `a.${D}`, 'other.example')
  world.silent(`silent.${D}`)
})
afterAll(() => world?.stop())

const req = (url: string, extra: Partial<HttpRequest> = {}): Promise<import('../../src/main/net/http').HttpResponse> =>
  httpRequest({ url, lookup: world.appDns.lookupFn, ca: world.ca, timeoutMs: 3000, ...extra })

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (e) {
    return e instanceof HttpError ? e.reason : `other: ${(e as Error).message}`
  }
}

describe('httpRequest', () => {
  it('reports status, media type and body, and flags a redirect leaving the domain', async () => {
    world.serve('https', D, '/start', { status: 302, headers: { location: `https://a.${D}/next` } })
    world.serve('https', `a.${D}`, '/next', { status: 302, headers: { location: 'https://other.example/end' } })
    world.serve('https', 'other.example', '/end', xmlReply('<x/>', 'Text/XML; charset=utf-8'))
    const r = await req(`https://${D}/start`, { domain: D })
    expect(r.status).toBe(200)
    expect(r.contentType).toBe('text/xml')
    expect(r.body.toString()).toBe('<x/>')
    expect(r.redirects).toEqual([`https://a.${D}/next`, 'https://other.example/end'])
    expect(r.leftDomain).toBe(true)
    expect(r.leftHttps).toBe(false)
    const inside = await req(`https://a.${D}/next`, { domain: D, maxRedirects: 0 })
    expect(inside.status).toBe(302)
    expect(inside.leftDomain).toBe(false)
  })

  it('refuses a downgrade to http unless allowed, and then flags it', async () => {
    world.serve('https', D, '/down', { status: 301, headers: { location: `http://${D}/plain` } })
    world.serve('http', D, '/plain', { status: 200, type: 'text/plain', body: 'plain' })
    expect(await reason(req(`https://${D}/down`))).toBe('redirect-to-http')
    const r = await req(`https://${D}/down`, { allowDowngrade: true })
    expect(r.leftHttps).toBe(true)
    expect(r.body.toString()).toBe('plain')
  })

  it('limits redirects and detects loops', async () => {
    for (let i = 0; i < 8; i++)
      world.serve('https', D, `/hop${i}`, { status: 302, headers: { location: `/hop${i + 1}` } })
    expect(await reason(req(`https://${D}/hop0`, { maxRedirects: 3 }))).toBe('too-many-redirects')
    world.serve('https', D, '/ping', { status: 307, headers: { location: '/pong' } })
    world.serve('https', D, '/pong', { status: 307, headers: { location: '/ping' } })
    expect(await reason(req(`https://${D}/ping`))).toBe('redirect-loop')
  })

  it('drops credentials across origins and turns a 303 POST into a GET', async () => {
    world.serve('https', D, '/post', { status: 303, headers: { location: 'https://other.example/landing' } })
    world.serve('https', 'other.example', '/landing', { status: 200, type: 'text/plain', body: 'ok' })
    const before = world.log.length
    await req(`https://${D}/post`, {
      method: 'POST',
      body: 'x=1',
      headers: { Authorization: 'Basic abc', 'Content-Type': 'text/plain' }
    })
    const [first, second] = world.log.slice(before)
    expect(first).toMatchObject({ method: 'POST', body: 'x=1' })
    expect(first!.headers.authorization).toBe('Basic abc')
    expect(second).toMatchObject({ method: 'GET', host: 'other.example', body: '' })
    expect(second!.headers.authorization).toBeUndefined()
    world.serve('https', D, '/keep', { status: 307, headers: { location: 'https://other.example/landing' } })
    expect(await reason(req(`https://${D}/keep`, { method: 'POST', body: 'secret=1' }))).toBe('redirect-with-body')
  })

  it('caps the body whether or not its length is declared', async () => {
    const big = 'y'.repeat(64 * 1024)
    world.serve('https', D, '/declared', {
      status: 200,
      type: 'text/plain',
      body: big,
      headers: { 'content-length': String(big.length) }
    })
    world.serve('https', D, '/chunked', {
      status: 200,
      type: 'text/plain',
      body: big,
      headers: { 'transfer-encoding': 'chunked' }
    })
    expect(await reason(req(`https://${D}/declared`, { maxBytes: 1024 }))).toBe('too-large')
    expect(await reason(req(`https://${D}/chunked`, { maxBytes: 1024 }))).toBe('too-large')
    expect((await req(`https://${D}/declared`, { maxBytes: 128 * 1024 })).body.length).toBe(big.length)
  })

  it('times out on a silent server, stops on cancel, and names DNS and TLS failures', async () => {
    expect(await reason(req(`https://silent.${D}/`, { timeoutMs: 300 }))).toBe('timeout')
    const ctl = new AbortController()
    const p = req(`https://silent.${D}/`, { signal: ctl.signal })
    ctl.abort()
    expect(await reason(p)).toBe('aborted')
    expect(await reason(req(`https://missing.${D}/`))).toBe('nxdomain')
    // Without the bench CA the server's certificate is not trusted.
    expect(await reason(req(`https://${D}/declared`, { ca: [] }))).toBe('tls')
    expect(await reason(req('ftp://web.example/'))).toBe('bad-url')
  })

  it('asks for the address before it builds the TLS context, once, and connects to that answer', async () => {
    world.serve('https', D, '/first', xmlReply('<first/>'))
    // A list of its own: no context is built for it yet (contexts are kept per list).
    const ca = [...world.ca]
    const asked: Array<{ host: string; contextBuilt: boolean }> = []
    const lookup = ((host: string, options: unknown, cb: unknown) => {
      asked.push({ host, contextBuilt: builtSecureContext(ca) !== undefined })
      ;(world.appDns.lookupFn as (h: string, o: unknown, c: unknown) => void)(host, options, cb)
    }) as LookupFunction
    const r = await req(`https://${D}/first`, { ca, lookup })
    expect(r.body.toString()).toBe('<first/>')
    expect(asked).toEqual([{ host: D, contextBuilt: false }])
    expect(builtSecureContext(ca)).toBeDefined()
    // Once built, the context is used as it is and Node asks for the address itself.
    expect((await req(`https://${D}/first`, { ca, lookup })).status).toBe(200)
    expect(asked).toEqual([
      { host: D, contextBuilt: false },
      { host: D, contextBuilt: true }
    ])
  })

  it('a question with no answer yet ends with the deadline or the cancel, before any context is built', async () => {
    const ca = [...world.ca]
    const never = (() => undefined) as unknown as LookupFunction
    expect(await reason(req(`https://${D}/first`, { ca, lookup: never, timeoutMs: 200 }))).toBe('timeout')
    const ctl = new AbortController()
    const p = req(`https://${D}/first`, { ca, lookup: never, signal: ctl.signal })
    setTimeout(() => ctl.abort(), 50)
    expect(await reason(p)).toBe('aborted')
    expect(builtSecureContext(ca)).toBeUndefined()
  })
})
