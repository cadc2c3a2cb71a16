// The DNS server setting: `--dns` and MAIL_SETUP_DNS are checked strictly. Node's resolver
// aborts the whole process on port 0 (native assertion, exit 134) and takes port 99999
// silently, so a bad value must end as a usage error in the CLI and as a failed lookup (a
// value) in browser mode, which keeps serving.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDnsServer } from '../../src/main/net/dns-servers'
import { createDns } from '../../src/main/net/dns'
import { ROOT as root, cliInProcess, cliProcess, type CliRun } from '../cli/process'

const BAD = [
  '127.0.0.1:0',
  'abc',
  '999.1.1.1',
  '1.2.3.4:99999',
  '1.2.3.4:',
  '1.2.3.4:+53',
  '[::1]:0',
  '[nope]:53',
  '::1:53:x',
  '1.2.3.4:53:53',
  ''
]

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return cliProcess(args, {
    env: { ...process.env, MAIL_SETUP_USER_DATA: mkdtempSync(join(tmpdir(), 'dns-flag-')), ...env }
  })
}

describe('parseDnsServer', () => {
  it('accepts IP literals with an optional port 1–65535', () => {
    expect(parseDnsServer('192.0.2.1')).toBe('192.0.2.1')
    expect(parseDnsServer('192.0.2.1:53')).toBe('192.0.2.1:53')
    expect(parseDnsServer('127.0.0.1:65535')).toBe('127.0.0.1:65535')
    expect(parseDnsServer('::1')).toBe('::1')
    expect(parseDnsServer('[2001:db8::1]')).toBe('2001:db8::1')
    expect(parseDnsServer('[::1]:5353')).toBe('[::1]:5353')
  })

  it('refuses everything else with a typed error', () => {
    for (const v of BAD) expect(() => parseDnsServer(v), v).toThrow(/DNS server/)
  })

  it('a resolver made from a bad setting fails each lookup as a value instead of aborting', async () => {
    const dns = createDns({ dnsServers: ['127.0.0.1:0'] })
    await expect(dns.resolve4('example.test')).rejects.toMatchObject({ diagnosis: { code: 'dns-failed' } })
  })
})

describe('the CLI', () => {
  it('refuses --dns 127.0.0.1:0 with exit 2 and a JSON usage error, never a native abort', async () => {
    const res = await run(['discover', 'someone@dns-flag.test', '--dns=127.0.0.1:0', '--json', '--deadline', '2'])
    expect({ code: res.code, signal: res.signal }).toEqual({ code: 2, signal: null })
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, error: { code: 'usage' }, exitCode: 2 })
    expect(res.stderr).not.toMatch(/Assertion failed|Native stack/)
  })

  it('refuses the other bad values before any lookup', async () => {
    for (const v of ['abc', '999.1.1.1', '1.2.3.4:99999', '[::1]:0']) {
      const { code, stdout } = await cliInProcess(['discover', 'someone@dns-flag.test', `--dns=${v}`, '--json'], {
        env: { MAIL_SETUP_USER_DATA: mkdtempSync(join(tmpdir(), 'dns-flag-')) }
      })
      expect({ v, code }).toEqual({ v, code: 2 })
      expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'usage' } })
    }
  })

  it('refuses a bad MAIL_SETUP_DNS the same way', async () => {
    const res = await run(['discover', 'someone@dns-flag.test', '--deadline', '2'], { MAIL_SETUP_DNS: '127.0.0.1:0' })
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('MAIL_SETUP_DNS')
  })
})

describe('browser mode', () => {
  let child: ChildProcess | undefined
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM')
  })

  it('keeps serving with MAIL_SETUP_DNS=127.0.0.1:0: discovery reports the DNS failure as a value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dns-browser-'))
    mkdirSync(join(dir, 'renderer'))
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>')
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main/browser.ts')], {
      env: {
        ...process.env,
        MAIL_SETUP_DNS: '127.0.0.1:0',
        MAIL_SETUP_RENDERER_DIR: join(dir, 'renderer'),
        MAIL_SETUP_USER_DATA: join(dir, 'data'),
        MAIL_SETUP_OFFLINE: '0'
      },
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)))
    const url = await new Promise<URL>((resolve, reject) => {
      let out = ''
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /running at (\S+)/.exec(out)
        if (m) resolve(new URL(m[1]!))
      })
      void exited.then((code) => reject(new Error(`browser mode exited ${code}`)))
    })
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!
    const call = async (
      op: string,
      body: unknown
    ): Promise<{
      ok: boolean
      value?: { candidates: unknown[]; sources: Array<{ state: string; detail?: string }> }
    }> => {
      const res = await fetch(new URL(`/api/op/${op}`, url.origin), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: url.origin },
        body: JSON.stringify(body)
      })
      return (await res.json()) as never
    }
    const found = await call('discover', { runId: 'r', address: 'someone@dns-browser.test', deadlineMs: 3000 })
    expect(found.ok).toBe(true)
    expect(found.value!.candidates).toEqual([])
    expect(found.value!.sources.some((s) => s.state === 'failed' && /DNS server/.test(s.detail ?? ''))).toBe(true)
    // Still alive afterwards.
    expect((await call('appInfo', {})).ok).toBe(true)
    expect(child.exitCode).toBe(null)
  })
})
