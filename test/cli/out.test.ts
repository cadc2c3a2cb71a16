// `export --out FILE` replaces only a regular file: a device, a FIFO or a link to a descriptor
// at the path stays what it was, a missing folder is not created, and each refusal (like a
// folder at the path or a folder nobody may write) is exit 5 with file-write-failed.
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliInProcess } from './process'

let dir: string
let env: NodeJS.ProcessEnv

async function exportTo(out: string): Promise<{
  code: number
  doc: { ok: boolean; error?: { code: string; params?: Record<string, string> }; exitCode?: number }
}> {
  const args = [
    'export',
    'out@example.test',
    '--format',
    'msmtp',
    '--incoming',
    'imaps://imap.example.test:993',
    '--outgoing',
    'smtps://smtp.example.test:465',
    '--out',
    out,
    '--json'
  ]
  const { code, stdout } = await cliInProcess(args, { env })
  return { code, doc: JSON.parse(stdout) }
}

function refused(res: Awaited<ReturnType<typeof exportTo>>, reason: string): void {
  expect(res.code).toBe(5)
  expect(res.doc).toMatchObject({ ok: false, exitCode: 5, error: { code: 'file-write-failed', params: { reason } } })
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-out-'))
  env = { MAIL_SETUP_USER_DATA: join(dir, 'data'), MAIL_SETUP_OFFLINE: '1' }
})

describe('export --out', () => {
  it('writes a regular file atomically and leaves no temp file', async () => {
    const out = join(dir, 'msmtprc')
    writeFileSync(out, 'old contents\n', { mode: 0o640 })
    const res = await exportTo(out)
    expect(res.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('host smtp.example.test')
    expect(statSync(out).mode & 0o777).toBe(0o640)
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('never replaces a FIFO', async () => {
    const out = join(dir, 'fifo')
    expect(spawnSync('mkfifo', [out]).status).toBe(0)
    refused(await exportTo(out), 'not-a-regular-file')
    expect(lstatSync(out).isFIFO()).toBe(true)
  })

  it('never replaces a device (a copy of /dev/full)', async () => {
    const out = join(dir, 'full')
    expect(spawnSync('mknod', [out, 'c', '1', '7']).status).toBe(0)
    refused(await exportTo(out), 'not-a-regular-file')
    expect(lstatSync(out).isCharacterDevice()).toBe(true)
  })

  it('never replaces a link to a descriptor, and writes through a link to a regular file', async () => {
    const fd = join(dir, 'stdout-link')
    symlinkSync('/proc/self/fd/1', fd)
    const res = await exportTo(fd)
    expect(res.code).toBe(5)
    expect(lstatSync(fd).isSymbolicLink()).toBe(true)
    expect(readlinkSync(fd)).toBe('/proc/self/fd/1')

    const real = join(dir, 'real-msmtprc')
    writeFileSync(real, 'old\n')
    const link = join(dir, 'link-msmtprc')
    symlinkSync(real, link)
    expect((await exportTo(link)).code).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, 'utf8')).toContain('host smtp.example.test')
  })

  it('does not create a missing folder', async () => {
    const missing = join(dir, 'no-such-folder')
    refused(await exportTo(join(missing, 'msmtprc')), 'folder-missing')
    expect(existsSync(missing)).toBe(false)
  })

  it('reports a folder at the path and an unwritable folder as exit 5', async () => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    refused(await exportTo(folder), 'is-a-directory')
    expect(statSync(folder).isDirectory()).toBe(true)
    // sysfs refuses new files even to root.
    refused(await exportTo('/sys/mail-setup-test-msmtprc'), 'not-writable')
  })
})
