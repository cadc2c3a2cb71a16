// The real Electron window, where an Electron runtime is installed. On machines where it
// cannot be downloaded (CI here) the test is skipped and says why; browser-mode tests
// cover the same renderer against the same services.
import { test, expect, _electron as electron } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// From the package's path.txt: require('electron') would start a download when it is missing.
function electronBinary(): string | undefined {
  const pathFile = join('node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const binary = join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join('node_modules', 'electron', 'dist'),
    readFileSync(pathFile, 'utf8')
  )
  return existsSync(binary) ? binary : undefined
}

test('the built preload is one sandbox-safe CommonJS file', () => {
  const preload = readFileSync('out/preload/index.cjs', 'utf8')
  const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
  expect(requires.every((r) => r === 'electron')).toBe(true)
  expect(preload).toContain('exposeInMainWorld')
})

test('the Electron window opens the wizard with the API and no Node', async () => {
  const binary = electronBinary()
  const reason = !binary
    ? 'the Electron runtime is not installed on this machine'
    : !process.env.DISPLAY
      ? 'no display'
      : ''
  if (reason) console.log(`skipping the Electron window test: ${reason}`)
  test.skip(Boolean(reason), reason)
  const app = await electron.launch({ executablePath: binary, args: ['out/main/index.js'] })
  const page = await app.firstWindow()
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
  const info = await page.evaluate(() => window.mailSetup?.appInfo({}))
  expect(info).toMatchObject({ ok: true, value: { door: 'window', canSaveFiles: true } })
  await app.close()
})
