// The wizard's bulk check through the API, as the renderer calls it: a list opened in the page
// runs no command the admin did not confirm exactly, reads no plain password column without the
// opt-in, and tells the renderer counts, commands and domains, never a password.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch, type DoorHooks, type DownloadFile, type Handlers } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import type { EventName, EventPayload } from '../../src/shared/api'
import { MAX_WIZARD_LIST_BYTES, MAX_WIZARD_PIECE, type BulkPreview, type BulkReport } from '../../src/shared/bulk-check'

const bench = inject('bench')
let handlers: Handlers
let dir: string
const events: Array<EventPayload<'bulk'>> = []
let hooks: DoorHooks

/** The app's main side on this test's user-data folder; called again, it is the app started again. */
function startApp(): void {
  // Offline: the accounts' domain has no settings, so each row ends at once after its password is resolved.
  const services = createServices(
    loadConfig({ ...process.env, ...bench.env, MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_USER_DATA: dir })
  )
  const emit = <K extends EventName>(name: K, payload: EventPayload<K>): void => {
    if (name === 'bulk') events.push(payload as EventPayload<'bulk'>)
  }
  // The window's save dialog, answering with a file in this test's folder.
  hooks = { door: 'window', version: 'test', emit, chooseSavePath: async (name) => join(dir, `saved-${name}`) }
  handlers = createHandlers(services, hooks)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulk-wizard-'))
  startApp()
})

/** Sends the list as the page does, in pieces of `size` characters, then opens it. */
async function open(csv: string, size = MAX_WIZARD_PIECE): Promise<BulkPreview> {
  let uploadId: string | undefined
  for (let i = 0; i === 0 || i < csv.length; i += size) {
    const piece = await dispatch(handlers, 'bulkAppend', { uploadId, piece: csv.slice(i, i + size) })
    if (!piece.ok) throw new Error(JSON.stringify(piece.error))
    uploadId = (piece.value as { uploadId: string }).uploadId
  }
  const res = await dispatch(handlers, 'bulkOpen', { fileName: 'list.csv', uploadId })
  if (!res.ok) throw new Error(JSON.stringify(res.error))
  return res.value as BulkPreview
}

const ended = async (runId: string): Promise<EventPayload<'bulk'>> => {
  for (let i = 0; i < 200; i++) {
    const end = events.find((e) => e.runId === runId && e.kind === 'end')
    if (end) return end
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('the run did not end')
}

describe('bulk check from the wizard', () => {
  it('shows the exact commands and runs none of them until the admin confirms each', async () => {
    const marker = join(dir, 'ran')
    const command = `touch '${marker}' && printf secret-from-command`
    const preview = await open(
      [
        'address,password_ref',
        `a@nowhere.test,cmd:${command}`,
        `b@nowhere.test,cmd:${command}`,
        'c@other.test,env:HOME'
      ].join('\n')
    )
    expect(preview).toMatchObject({
      rows: 3,
      commands: [command],
      moreCommands: false,
      plainColumn: false,
      refs: { cmd: 2, env: 1 },
      domains: ['nowhere.test', 'other.test']
    })

    for (const confirmedCommands of [[], [`${command} `], ['touch']]) {
      const refused = await dispatch(handlers, 'bulkStart', {
        runId: 'r0',
        listId: preview.listId,
        allowPlainPasswords: false,
        confirmedCommands
      })
      expect(refused).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    }
    expect(existsSync(marker)).toBe(false)

    const started = await dispatch(handlers, 'bulkStart', {
      runId: 'r1',
      listId: preview.listId,
      allowPlainPasswords: false,
      confirmedCommands: [command]
    })
    expect(started).toEqual({ ok: true, value: { rows: 3 } })
    const end = await ended('r1')
    expect(end).toMatchObject({ kind: 'end', summary: { checked: 3, of: 3, interrupted: false } })
    expect(existsSync(marker)).toBe(true)
    // Every row checked: main's copy of the list is gone, only the results are kept for the reports.
    expect(readdirSync(join(dir, 'bulk'))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.state$/)])
    // The list is checked once: it is not kept for a second run.
    const again = await dispatch(handlers, 'bulkStart', {
      runId: 'r2',
      listId: preview.listId,
      allowPlainPasswords: false,
      confirmedCommands: [command]
    })
    expect(again).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    // The window: main writes the report where the admin chose.
    const report = await dispatch(handlers, 'bulkReport', { runId: 'r1', format: 'csv' })
    expect(report).toMatchObject({ ok: true, value: { fileName: 'list.results.csv', saved: true } })
    const saved = readFileSync((report as { value: BulkReport }).value.path!, 'utf8')
    expect(saved).toMatch(/^1,a@nowhere\.test,/m)
    expect(saved).not.toContain('secret-from-command')
    expect(JSON.stringify(events)).not.toContain('secret-from-command')
  })

  it('reads a plain password column only with the opt-in, and never hands a password back', async () => {
    const preview = await open(['address,password', 'a@nowhere.test,Plain-Pa55word'].join('\n'))
    expect(preview).toMatchObject({ rows: 1, plainColumn: true, refs: { plain: 1 } })
    expect(JSON.stringify(preview)).not.toContain('Plain-Pa55word')
    const refused = await dispatch(handlers, 'bulkStart', {
      runId: 'p0',
      listId: preview.listId,
      allowPlainPasswords: false,
      confirmedCommands: []
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const started = await dispatch(handlers, 'bulkStart', {
      runId: 'p1',
      listId: preview.listId,
      allowPlainPasswords: true,
      confirmedCommands: []
    })
    expect(started.ok).toBe(true)
    expect(await ended('p1')).toMatchObject({ summary: { checked: 1 } })
    // Browser mode: main offers the report as a stream for the page to fetch.
    const offered: DownloadFile[] = []
    const dialog = hooks.chooseSavePath
    hooks.chooseSavePath = undefined
    hooks.offerDownload = (file) => (offered.push(file), '/api/download/x')
    const html = await dispatch(handlers, 'bulkReport', { runId: 'p1', format: 'html' })
    ;[hooks.chooseSavePath, hooks.offerDownload] = [dialog, undefined]
    expect(html).toMatchObject({
      ok: true,
      value: { fileName: 'list.report.html', saved: false, download: '/api/download/x' }
    })
    let body = ''
    for await (const piece of offered[0]!.body()) body += piece
    expect(body).toContain('a@nowhere.test')
    expect(body).not.toContain('Plain-Pa55word')
  })

  it('says where a list cannot be read, and refuses a piece larger than a request may carry', async () => {
    expect((await open('address,pasword_ref\na@b.test,env:X')).invalid).toMatchObject({ line: 1 })
    expect((await open('address\n"a@b.test')).invalid?.reason).toContain('quoted field is not closed')
    const big = await dispatch(handlers, 'bulkAppend', { piece: 'x'.repeat(MAX_WIZARD_PIECE + 1) })
    expect(big.ok).toBe(false)
  })

  it('takes a list of up to 64 MiB, counted in bytes, and drops the upload a piece would take past it', async () => {
    const append = (uploadId: string | undefined, piece: string) =>
      dispatch(handlers, 'bulkAppend', { uploadId, piece })
    const piece = 'a'.repeat(MAX_WIZARD_PIECE)
    let uploadId: string | undefined
    let bytes = 0
    const send = async (text: string): Promise<void> => {
      const res = await append(uploadId, text)
      if (!res.ok) throw new Error(JSON.stringify(res.error))
      ;({ uploadId, bytes } = res.value as { uploadId: string; bytes: number })
    }
    while (bytes < MAX_WIZARD_LIST_BYTES - 2)
      await send(piece.slice(0, Math.min(piece.length, MAX_WIZARD_LIST_BYTES - 2 - bytes)))
    // One character, two bytes in UTF-8: exactly at the limit, which is allowed.
    await send('é')
    expect(bytes).toBe(MAX_WIZARD_LIST_BYTES)
    expect(await append(uploadId, 'a')).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    // The upload is gone, its file too.
    expect(readdirSync(join(dir, 'bulk')).filter((f) => f.startsWith(uploadId!))).toEqual([])
    expect(await append(uploadId, 'a')).toMatchObject({
      ok: false,
      error: { detail: expect.stringContaining('no such upload') }
    })
  })

  it('reads a list sent in many pieces (cut inside rows, quotes and CRLF) as one stream', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `"u${i}@nowhere.test",env:HOME\r\n`)
    const csv = `address,password_ref\r\n${rows.join('')}`
    expect(csv.length).toBeGreaterThan(50 * 997)
    const preview = await open(csv, 997)
    expect(preview).toMatchObject({ rows: 3000, problems: [], refs: { env: 3000 }, domains: ['nowhere.test'] })
  })

  it('a stopped run resumes after the app restarts: earlier rows first, the rest once, under consent given again', async () => {
    const command = "sleep 0.2; printf 'p%s' 4ss"
    const rows = 24
    const csv = [
      'address,password,password_ref',
      ...Array.from({ length: rows }, (_, i) => `u${i + 1}@nowhere.test,Plain-Secret-${i},cmd:${command}`)
    ].join('\n')
    const first = await open(csv)
    expect(first.earlier).toBeUndefined()
    const consent = { allowPlainPasswords: true, confirmedCommands: [command] }
    expect((await dispatch(handlers, 'bulkStart', { runId: 's1', listId: first.listId, ...consent })).ok).toBe(true)
    for (let i = 0; i < 100 && !events.some((e) => e.runId === 's1' && e.kind === 'row'); i++)
      await new Promise((r) => setTimeout(r, 20))
    await dispatch(handlers, 'cancel', { runId: 's1' })
    const stopped = await ended('s1')
    const checked = (stopped as { summary: { checked: number } }).summary.checked
    expect(stopped).toMatchObject({ summary: { interrupted: true } })
    expect(checked).toBeGreaterThan(0)
    expect(checked).toBeLessThan(rows)
    const doneFirst = events
      .filter((e) => e.runId === 's1' && e.kind === 'row')
      .map((e) => (e as { row: { row: number } }).row.row)

    startApp()
    // What main keeps across the restart holds no password: the results; the copy of the list
    // (plain passwords and all) is gone once the new session uses the folder.
    const again = await open(csv)
    const files = readdirSync(join(dir, 'bulk'))
    expect(files).not.toContain(`${first.listId}.csv`)
    for (const f of files.filter((f) => f.endsWith('.state')))
      for (const secret of ['Plain-Secret', 'p4ss'])
        expect(readFileSync(join(dir, 'bulk', f), 'utf8')).not.toContain(secret)
    expect(again.earlier).toBe(checked)
    // The same rows with other plain passwords are the same list (the identity holds no password);
    // another address in one row is another list.
    expect((await open(csv.replaceAll('Plain-Secret', 'Other-Secret'))).earlier).toBe(checked)
    expect((await open(csv.replace('u3@', 'x3@'))).earlier).toBeUndefined()

    // Consent is given again: without it nothing resumes.
    const refused = await dispatch(handlers, 'bulkStart', {
      runId: 's2',
      listId: again.listId,
      allowPlainPasswords: false,
      confirmedCommands: [],
      resume: true
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const resumed = await dispatch(handlers, 'bulkStart', {
      runId: 's3',
      listId: again.listId,
      ...consent,
      resume: true
    })
    expect(resumed.ok).toBe(true)
    expect(await ended('s3')).toMatchObject({ summary: { checked: rows, of: rows, interrupted: false } })
    const sent = events
      .filter((e) => e.runId === 's3' && e.kind === 'row')
      .map((e) => (e as { row: { row: number } }).row.row)
    // The earlier rows first (the page has none of them), then each other row once.
    expect(sent.slice(0, checked).sort((a, b) => a - b)).toEqual([...doneFirst].sort((a, b) => a - b))
    expect([...sent].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i + 1))
    const report = await dispatch(handlers, 'bulkReport', { runId: 's3', format: 'csv' })
    const saved = readFileSync((report as { value: BulkReport }).value.path!, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
    expect(saved.map((l) => Number(l.split(',')[0])).sort((a, b) => a - b)).toEqual(
      Array.from({ length: rows }, (_, i) => i + 1)
    )
    expect(saved.join('\n')).not.toContain('Plain-Secret')
  })
})
