// One escaping function per medium (src/shared/escape.ts) and the CLI's last gate
// (src/main/cli/streams.ts): what each lets through, and what reads back.
import { describe, expect, it } from 'vitest'
import { PassThrough } from 'node:stream'
import { forHtml, forTerminal, quoteArg, term, toJson } from '../../src/shared/escape'
import { diagnosticReport } from '../../src/main/report'
import { runCli } from '../../src/main/cli/index'
import type { VerifyResult } from '../../src/shared/verify'

const HOSTILE = 'a\x1b]52;c;ZXZpbA==\x07b\r\nc\u009b2Kd\u202eexe.txt\u2028e\x7f'

const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

describe('escaping per medium', () => {
  it('terminal: every control, C1, bidi and separator character is shown, not obeyed', () => {
    const out = forTerminal(HOSTILE)
    expect(out).not.toMatch(RAW)
    expect(out).toBe('a\\x1b]52;c;ZXZpbA==\\x07b\\x0d\\x0ac\\x9b2Kd\\u202eexe.txt\\u2028e\\x7f')
    // Plain words, Arabic and accents stay as they are.
    expect(forTerminal('Pässwort مرحبا 日本')).toBe('Pässwort مرحبا 日本')
  })

  it('term`` escapes every interpolated value and keeps its own layout', () => {
    expect(term`line ${'x\ny'}\nnext ${'\x1b[2K'}`).toBe('line x\\x0ay\nnext \\x1b[2K')
  })

  it('JSON: no raw control bytes on the wire, the same value read back', () => {
    const value = { said: HOSTILE, list: [HOSTILE] }
    const text = toJson(value, 2)
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/)
    expect(JSON.parse(text)).toEqual(value)
  })

  it('HTML: markup and controls both neutralised', () => {
    const out = forHtml('<img src=x onerror="a()">\x1b[1m&\u202e')
    expect(out).toBe('&#60;img src=x onerror=&#34;a()&#34;&#62;\\x1b[1m&#38;\\u202e')
  })

  it('the diagnostic report (a text file) carries server words escaped, one line each', () => {
    const verify: VerifyResult = {
      probes: [
        {
          id: 'p',
          role: 'incoming',
          settings: {
            protocol: 'imap',
            host: 'mail.example.test',
            port: 993,
            security: 'tls',
            username: 'u',
            auth: ['password-cleartext']
          },
          state: 'failed',
          steps: [],
          transcript: [{ t: 1, dir: 's', text: `* OK ${HOSTILE}` }],
          diagnosis: { code: 'auth-failed', userFixable: true, serverSays: `NO ${HOSTILE}\nIncoming: verified` },
          ms: 1
        }
      ],
      ms: 1
    }
    const { text } = diagnosticReport({ address: 'u@example.test', verify }, { version: 't' })
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/)
    expect(text.split('\n').some((l) => l.startsWith('Incoming: verified'))).toBe(false)
    expect(text).toContain('\\x1b]52;c;')
  })

  it('an argument quoted in an error is cut and escaped', () => {
    const huge = `x${'\x1b[2J'.repeat(30_000)}`
    const q = quoteArg(huge)
    expect(q.length).toBeLessThan(800)
    expect(q).not.toMatch(RAW)
    expect(q).toContain('(120001 characters)')
  })
})

function io() {
  let stdout = ''
  let stderr = ''
  return {
    io: {
      stdout: (t: string) => (stdout += t),
      stderr: (t: string) => (stderr += t),
      stdin: new PassThrough(),
      env: {}
    },
    out: () => ({ stdout, stderr })
  }
}

describe('CLI errors that quote the user', () => {
  it('a 120 KB argument is not echoed back whole', async () => {
    const huge = `${'a'.repeat(120_000)}\x1b]0;t\x07`
    for (const argv of [
      ['discover', huge],
      [huge],
      ['discover', 'a@b.test', `--${huge}`],
      ['verify', 'a@b.test', '--incoming', huge]
    ]) {
      const t = io()
      const code = await runCli(argv, t.io)
      expect(code).toBe(2)
      const { stdout, stderr } = t.out()
      expect(stdout.length + stderr.length).toBeLessThan(4000)
      expect(stdout + stderr).not.toMatch(RAW_OUT)
    }
  })

  it('--password-stdin stops reading past 64 KB (an endless stdin must not fill the memory)', async () => {
    const t = io()
    let written = 0
    const endless = new (await import('node:stream')).Readable({
      read() {
        written += 65536
        this.push(Buffer.alloc(65536, 0x61))
      }
    })
    const code = await runCli(
      [
        'verify',
        'a@b.test',
        '--password-stdin',
        '--incoming',
        'imaps://mail.b.test',
        '--outgoing',
        'smtps://mail.b.test'
      ],
      { ...t.io, stdin: endless }
    )
    expect(code).toBe(2)
    expect(t.out().stderr).toContain('longer than 64 KB')
    expect(written).toBeLessThan(1024 * 1024)
  })

  it('--json with a bad flag answers with a JSON error document', async () => {
    const t = io()
    const code = await runCli(['discover', 'a@b.test', '--json', '--no-such-flag'], t.io)
    expect(code).toBe(2)
    const doc = JSON.parse(t.out().stdout) as { ok: boolean; error: { code: string; detail: string }; exitCode: number }
    expect(doc).toMatchObject({ ok: false, exitCode: 2, error: { code: 'usage' } })
    expect(doc.error.detail).toContain('--no-such-flag')
  })
})

const RAW_OUT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/
