// Errors are values: only src/main/diagnosis/ reads a library's message or a server's words.
// The lint rule (eslint.config.js, MESSAGE_TEXT) enforces it; this proves the rule fires on
// each shape of such matching outside diagnosis/ and stays quiet inside it (npm run lint keeps
// src/ clean).
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function ruleHits(code: string, file: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').length
}

const SHAPES = [
  `export const f = (e: Error): boolean => /certificate|self.signed/i.test(e.message ?? '')`,
  `export const f = (e: { response?: string }): boolean => Boolean(/too many/.exec(e.response ?? ''))`,
  `export const f = (e: Error): boolean => e.message.includes('ETIMEDOUT')`,
  `export const f = (d: { serverSays?: string }): boolean => d.serverSays?.startsWith('NO') ?? false`,
  `export const f = (d: { detail?: string }): boolean => d.detail === 'http 401'`
]

describe('no matching on message text outside src/main/diagnosis/', () => {
  it.each(SHAPES)('fires in verify/ and in the renderer: %s', async (code) => {
    expect(await ruleHits(code, 'src/main/verify/x.ts')).toBe(1)
    expect(await ruleHits(code, 'src/renderer/src/steps/x.tsx')).toBe(1)
  })

  it.each(SHAPES)('allows it in diagnosis/: %s', async (code) => {
    expect(await ruleHits(code, 'src/main/diagnosis/x.ts')).toBe(0)
  })

  it('leaves protocol tokens alone (a status word in a reply line is not message text)', async () => {
    expect(
      await ruleHits(`export const ok = (reply: string): boolean => /^\\+OK\\b/i.test(reply)`, 'src/main/verify/x.ts')
    ).toBe(0)
  })
})
