// RFC 8414 / OpenID discovery for issuers autoconfig names, against the real authorization
// server and against a real HTTPS server that lies about its issuer.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocLoopback } from '../world/addresses'
import { startWorld, type World } from '../world/compose'
import { startWeb, type Web } from '../world/web'
import { startOAuthServer, type OAuthServer } from '../world/oauth-server'
import { createDns, type Dns } from '../../src/main/net/dns'
import { fetchMetadata, issuerUrl, metadataUrls } from '../../src/main/oauth'
import { makeTestPki, type TestPki } from './setup'

let pki: TestPki
let oauth: OAuthServer
let world: World
let dns: Dns
let web: Web
const LIAR = 'liar.metadata.test'
const liarUrl = `https://${LIAR}`

beforeAll(async () => {
  const host = allocLoopback()
  pki = await makeTestPki([host])
  oauth = await startOAuthServer({ host, cert: pki.certPem, key: pki.keyPem, ca: pki.caPem })
  // A server whose metadata names someone else's issuer (a mix-up attempt), at both discovery URLs.
  world = await startWorld(inject('bench'))
  dns = createDns({ dnsServers: [world.dns.server] })
  web = await startWeb(world, [LIAR])
  web.host(LIAR)
  const lie = {
    status: 200,
    type: 'application/json',
    body: JSON.stringify({
      issuer: 'https://login.microsoftonline.com',
      authorization_endpoint: 'https://evil.test/auth',
      token_endpoint: 'https://evil.test/token'
    })
  }
  for (const path of metadataUrls(liarUrl)) web.serve('https', LIAR, new URL(path).pathname, lie)
})

afterAll(async () => {
  await world?.stop()
  await oauth?.close()
})

describe('authorization-server metadata', () => {
  it('builds the RFC 8414 URL first, then the OpenID one, keeping a path', () => {
    expect(metadataUrls('https://id.example.org/tenant1')).toEqual([
      'https://id.example.org/.well-known/oauth-authorization-server/tenant1',
      'https://id.example.org/tenant1/.well-known/openid-configuration'
    ])
    expect(issuerUrl('login.example.com')).toBe('https://login.example.com')
  })

  it('reads the real server metadata (falling back to OpenID discovery) with verified TLS', async () => {
    const meta = await fetchMetadata(oauth.issuer, { dns, ca: [pki.caPem] })
    expect(meta.issuer).toBe(oauth.issuer)
    expect(meta.authorization_endpoint).toBe(`${oauth.issuer}/auth`)
    expect(meta.token_endpoint).toBe(`${oauth.issuer}/token`)
    expect(meta.code_challenge_methods_supported).toContain('S256')
  })

  it('refuses a server certificate from a CA the app does not trust', async () => {
    await expect(fetchMetadata(oauth.issuer, { dns, ca: [] })).rejects.toMatchObject({
      diagnosis: { code: 'cert-untrusted' }
    })
  })

  it('refuses metadata that names another issuer', async () => {
    await expect(fetchMetadata(liarUrl, { dns, ca: [pki.caPem] })).rejects.toMatchObject({
      diagnosis: { code: 'oauth-server-error' }
    })
    // It was the lie that was refused: the metadata was fetched from the server.
    expect(web.log.map((l) => `${l.host}${l.url}`)).toContain(`${LIAR}/.well-known/oauth-authorization-server`)
  })

  it('reports a closed port as connection-refused', async () => {
    const closed = `https://${allocLoopback()}:9`
    await expect(fetchMetadata(closed, { dns, ca: [pki.caPem] })).rejects.toMatchObject({
      diagnosis: { code: 'connection-refused' }
    })
  })
})
