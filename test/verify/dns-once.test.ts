// One DNS question per name and type for a whole `mail-setup verify` (issue 16): the search's
// sources (guessing, MX, SRV, autoconfig, Autodiscover, PACC, ISPDB) and the probes of the servers
// it found share one view of the resolver, so a name several of them need (the mail host's A and
// AAAA: guessing checks it, the probes connect to it) is asked once, found or not. The evidence
// is the world's own DNS server on loopback, which records every question it is asked.
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { benchAutoconfig } from '../world'
import { startWorld, type World } from '../world/compose'
import { startWeb, xmlReply } from '../world/web'

const bench = inject('bench')
const alice = bench.users.alice
let w: World

beforeAll(async () => {
  w = await startWorld(bench)
  // The bench's domain as the whole-process benchmark sees it: HTTPS autoconfig naming the
  // bench's Dovecot (993 and 143, 465 and 587), nothing else published.
  const web = await startWeb(w, [bench.domain])
  web.host(`autoconfig.${bench.domain}`)
  web.serve(
    'https',
    `autoconfig.${bench.domain}`,
    '/mail/config-v1.1.xml',
    xmlReply(benchAutoconfig(bench.domain, bench.mailHost))
  )
  w.name(bench.mailHost, bench.mailAddress)
})
afterAll(() => w?.stop())

it('a verify run asks each name and type once, found or not, and the probes reuse what the search asked', async () => {
  const from = w.dns.queries.length
  const run = await w.cli(['verify', alice.address, '--no-save'], {
    env: {
      MAIL_SETUP_PASSWORD: alice.password,
      MAIL_SETUP_ISP_DIRS: '',
      MAIL_SETUP_ISPDB_URL: 'https://ispdb.invalid/v1.1/'
    }
  })
  expect(run.code, run.stderr).toBe(0)
  const asked = w.dns.queries.slice(from)
  const times = new Map<string, number>()
  for (const q of asked) times.set(q, (times.get(q) ?? 0) + 1)
  // Found (A of the mail host), not there for the type (its AAAA), not there at all (guessed names).
  expect(asked).toEqual(
    expect.arrayContaining([`${bench.mailHost} A`, `${bench.mailHost} AAAA`, `autoconfig.${bench.domain} A`])
  )
  expect(asked.some((q) => /^imap\./.test(q))).toBe(true)
  expect([...times].filter(([, n]) => n > 1)).toEqual([])
})
