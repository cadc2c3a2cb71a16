// Builds the app once into a private folder (so a build someone else starts meanwhile
// cannot swap files under the tests) and tells the workers where the renderer is.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  if (process.env.MAIL_SETUP_E2E_RENDERER) return () => undefined
  const out = mkdtempSync(join(tmpdir(), 'mail-setup-e2e-build-'))
  execFileSync('npx', ['electron-vite', 'build', '--outDir', out, '--logLevel', 'error'], { stdio: 'inherit' })
  process.env.MAIL_SETUP_E2E_RENDERER = join(out, 'renderer')
  return () => rmSync(out, { recursive: true, force: true })
}
