import { afterAll, beforeAll, expect, it } from 'vitest'
import { ImapFlow } from 'imapflow'
import { launchBrowser, openPage, signIn } from './browser'
import { startOAuthWorld, type OAuthWorld } from './setup'
import type { Browser } from 'playwright-core'

let world: OAuthWorld
let browser: Browser
beforeAll(async () => {
  world = await startOAuthWorld()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await world?.stop()
})

it('explores', async () => {
  const svc = world.service()
  const address = 'alice@example.test'
  const begun = await svc.begin({ address, oauth2: world.oauth2 })
  console.log(begun.authorizeUrl)
  const page = await openPage(browser, begun.authorizeUrl)
  const text = await signIn(page, address)
  console.log(text)
  const done = await svc.complete(begun.sessionId)
  console.log(done)
  const token = await svc.accessToken(begun.sessionId, address)
  console.log(await world.oauth.introspect(token))
  const client = new ImapFlow({ host: world.mailHost, port: 993, secure: true, tls: { ca: [world.pki.caPem] }, auth: { user: address, accessToken: token }, logger: false })
  await client.connect()
  await client.logout()
  expect(done.username).toBe(address)
})
