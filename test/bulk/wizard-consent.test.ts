// The wizard's bulk check through the API, as the renderer calls it: a list opened in the page
// runs no command the admin did not confirm exactly, reads no plain password column without the
// opt-in, and tells the renderer counts, commands and domains, never a password.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createHandlers, dispatch, type Handlers } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import type { EventName, EventPayload } from '../../src/shared/api'
import { MAX_WIZARD_PIECE, type BulkPreview } from '../../src/shared/bulk-check'

const bench = inject('bench')
let handlers: Handlers
let dir: string
const events: Array<EventPayload<'bulk'>> = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulk-wizard-'))
  // Offline: the accounts' domain has no settings, so each row ends at once after its password is resolved.
  const services = createServices(
    loadConfig({ ...process.env, ...bench.env, MAIL_SETUP_OFFLINE: '1', MAIL_SETUP_USER_DATA: dir })
  )
  const emit = <K extends EventName>(name: K, payload: EventPayload<K>): void => {
    if (name === 'bulk') events.push(payload as EventPayload<'bulk'>)
  }
  handlers = createHandlers(services, { door: 'browser', version: 'test', emit })
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
    expect(readdirSync(join(dir, 'bulk')).filter((f) => f.startsWith(preview.listId))).toEqual([
      `${preview.listId}.state`
    ])
    // The list is checked once: it is not kept for a second run.
    const again = await dispatch(handlers, 'bulkStart', {
      runId: 'r2',
      listId: preview.listId,
      allowPlainPasswords: false,
      confirmedCommands: [command]
    })
    expect(again).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const report = await dispatch(handlers, 'bulkReport', { runId: 'r1', format: 'csv' })
    expect(JSON.stringify(report)).not.toContain('secret-from-command')
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
    const html = await dispatch(handlers, 'bulkReport', { runId: 'p1', format: 'html' })
    expect(html.ok).toBe(true)
    expect(JSON.stringify(html)).not.toContain('Plain-Pa55word')
  })

  it('says where a list cannot be read, and refuses a piece larger than a request may carry', async () => {
    expect((await open('address,pasword_ref\na@b.test,env:X')).invalid).toMatchObject({ line: 1 })
    expect((await open('address\n"a@b.test')).invalid?.reason).toContain('quoted field is not closed')
    const big = await dispatch(handlers, 'bulkAppend', { piece: 'x'.repeat(MAX_WIZARD_PIECE + 1) })
    expect(big.ok).toBe(false)
  })

  it('reads a list sent in many pieces (cut inside rows, quotes and CRLF) as one stream', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `"u${i}@nowhere.test",env:HOME\r\n`)
    const csv = `address,password_ref\r\n${rows.join('')}`
    expect(csv.length).toBeGreaterThan(50 * 997)
    const preview = await open(csv, 997)
    expect(preview).toMatchObject({ rows: 3000, problems: [], refs: { env: 3000 }, domains: ['nowhere.test'] })
  })
})
