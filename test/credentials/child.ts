// Runs a credential-store call in a child process, so a test can give it an environment
// of its own (no session bus, a bus without a Secret Service) — libsecret keeps its first
// connection for the life of a process.
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const STORE = resolve(HERE, '../../src/main/credentials/store.ts')
const ROOT = resolve(HERE, '../..')

export async function storeInChild(
  env: NodeJS.ProcessEnv,
  service: string,
  key: string,
  secret: string
): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'cred-child-'))
  const script = join(dir, 'run.mts')
  await writeFile(
    script,
    [
      `import { createCredentialStore } from ${JSON.stringify(STORE)}`,
      `const store = createCredentialStore(${JSON.stringify(service)}, { timeoutMs: 10000 })`,
      `const saved = await store.save(${JSON.stringify(key)}, ${JSON.stringify(secret)})`,
      `let got; try { got = { value: await store.get(${JSON.stringify(key)}) } } catch (e) { got = { error: e.diagnosis?.code } }`,
      `const status = await store.status()`,
      `process.stdout.write(JSON.stringify({ saved, got, status }))`
    ].join('\n')
  )
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script],
      { env, cwd: ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err && !stdout) return fail(new Error(`child failed: ${stderr || err.message}`))
        try {
          done(JSON.parse(stdout))
        } catch {
          fail(new Error(`child printed no result: ${stdout} ${stderr}`))
        }
      }
    )
  })
}
