// RFC 8414 / OpenID discovery for issuers autoconfig names, against the real authorization
// server and against a real HTTPS server that lies about its issuer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { allocLoopback } from '../world/addresses'
import { startOAuthServer, type OAuthServer } from '../world/oauth-server'
import { createDns } from '../../src/main/net/dns'
import { fetchMetadata, issuerUrl, metadataUrls } from '../../src/main/oauth'
import { makeTestPki, type TestPki } from './setup'

let pki: TestPki
let oauth: OAuthServer
let liar: Server
let liarUrl: string
const dns = createDns({ dnsServers: [] })

beforeAll(async () => {
  const host = allocLoopback()
  const liarHost = allocLoopback()
  pki = await makeTestPki([host, liarHost])
  oauth = await startOAuthServer({ host, cert: pki.certPem, key: pki.keyPem, ca: pki.caPem })
  // A server whose metadata names someone else's issuer (a mix-up attempt).
  liar = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ issuer: 'https://login.microsoftonline.com', authorization_endpoint: 'https://evil.test/auth', token_endpoint: 'https://evil.test/token' }))
  })
  await new Promise<void>((r) => liar.listen(0, liarHost, () => r()))
  liarUrl = `https://${liarHost}:${(liar.address() as AddressInfo).port}`
})

afterAll(async () => {
  liar?.closeAllConnections()
  liar?.close()
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
    await expect(fetchMetadata(oauth.issuer, { dns, ca: [] })).rejects.toMatchObject({ diagnosis: { code: 'cert-untrusted' } })
  })

  it('refuses metadata that names another issuer', async () => {
    await expect(fetchMetadata(liarUrl, { dns, ca: [pki.caPem] })).rejects.toMatchObject({ diagnosis: { code: 'oauth-server-error' } })
  })

  it('reports a closed port as connection-refused', async () => {
    const closed = `https://${allocLoopback()}:9`
    await expect(fetchMetadata(closed, { dns, ca: [pki.caPem] })).rejects.toMatchObject({ diagnosis: { code: 'connection-refused' } })
  })
})
