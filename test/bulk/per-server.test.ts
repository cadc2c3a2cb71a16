// The bulk check's limit is per server, not per domain: accounts of six domains that all name one
// server (as a hosting provider's customers do) share that server's 2 slots. Proven on a real
// socket server: a TCP relay in front of the bench's real Dovecot and submission, answering as
// mail.bench.test in this world's DNS, that counts the connections open at once on each port.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseCsv } from '../../src/main/bulk/csv'
import { startCountingRelay, type CountingRelay } from '../fakes/counting-relay'
import { startWorld, type World } from '../world/compose'
import { writeIspDir } from '../world/isp'

const bench = inject('bench')
const DOMAINS = ['one.test', 'two.test', 'three.test', 'four.test', 'five.test', 'six.test']
const PORTS = [993, 465, 587]
let w: World
let relay: CountingRelay

beforeAll(async () => {
  w = await startWorld(bench)
  relay = await startCountingRelay(bench.mailAddress, PORTS)
  w.onStop(() => relay.close())
  // Every domain's trusted settings (an ISPDB file each) name the one server.
  for (const d of DOMAINS) await writeIspDir(join(w.dir, 'isp'), d, bench.mailHost)
  w.name(bench.mailHost, relay.host)
})
afterAll(() => w?.stop())

async function check(perServer?: string) {
  relay.reset()
  const dir = mkdtempSync(join(w.dir, 'run-'))
  const list = join(dir, 'accounts.csv')
  // Two accounts per domain; the server knows them all as alice.
  const rows = [...DOMAINS, ...DOMAINS].map((d, i) => `user${i}@${d},${bench.users.alice.address},env:ALICE_PW`)
  writeFileSync(list, ['address,username,password_ref', ...rows].join('\n'))
  const run = await w.cli(['check', '--csv', list, '--json', ...(perServer ? ['--per-server', perServer] : [])], {
    env: {
      MAIL_SETUP_OFFLINE: '1',
      MAIL_SETUP_ISP_DIRS: join(w.dir, 'isp'),
      MAIL_SETUP_USER_DATA: join(dir, 'data'),
      ALICE_PW: bench.users.alice.password
    }
  })
  const [, ...results] = parseCsv(readFileSync(`${list}.results.csv`, 'utf8'))
  return { run, results }
}

describe('bulk check, per server', () => {
  it('checks accounts of six domains on one server at most 2 at a time on each of its ports', async () => {
    const { run, results } = await check()
    expect(run.code, run.stderr).toBe(0)
    expect(results).toHaveLength(12)
    expect(new Set(results.map((r) => r[2]))).toEqual(new Set(['ready']))
    expect(results.every((r) => r[4] === `imap ${bench.mailHost}:993 tls`)).toBe(true)
    // Every account signed in through the relay, and never more than 2 were connected at once.
    expect(relay.total.get(993)).toBeGreaterThanOrEqual(12)
    for (const port of PORTS) expect(relay.max.get(port) ?? 0, `port ${port}`).toBeLessThanOrEqual(2)
    // Two did run side by side: the limit, not one at a time.
    expect(relay.max.get(993)).toBe(2)
  })

  it('the relay does see more at once when the limit allows it (the count above can fail)', async () => {
    const { run } = await check('6')
    expect(run.code, run.stderr).toBe(0)
    expect(relay.max.get(993)).toBeGreaterThan(2)
  })
})
