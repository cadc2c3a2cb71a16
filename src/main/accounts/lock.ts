// One lock across processes for a file's read-modify-write: `<file>.lock`, created with O_EXCL
// (atomic on every platform and file system we run on), holding the owner's pid, host and a
// nonce. The window, browser mode and any number of CLI runs share accounts.json; without this,
// eight CLI runs saving at once kept three accounts. A lock whose owner died (same host, pid
// gone) or that is older than STALE_MS is taken over.
import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../errors'

const STALE_MS = 30_000

export interface LockOptions {
  /** How long to wait for another process before failing with file-write-failed. */
  waitMs?: number
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)])
    if (Date.now() - info.mtimeMs > STALE_MS) return true
    const [pid, host] = text.split(' ')
    // An empty file is an owner between creating and writing it: not stale.
    return host === hostname() && Number(pid) > 0 && !alive(Number(pid))
  } catch {
    return false // gone already: the next attempt takes it
  }
}

/** Runs fn while holding `<path>.lock`; the lock is released however fn ends. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`
  const nonce = randomBytes(8).toString('hex')
  const deadline = Date.now() + (opts.waitMs ?? 15_000)
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600)
      await handle.writeFile(`${process.pid} ${hostname()} ${nonce}`).finally(() => handle.close())
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError({
          code: 'file-write-failed',
          params: { file: path },
          detail: `cannot lock ${path}: ${(err as Error).message}`
        })
      }
    }
    if (await isStale(lockPath)) {
      // Renaming first means only one waiter removes it, not also a fresh lock taken since.
      const aside = `${lockPath}.stale-${nonce}`
      if (
        await rename(lockPath, aside).then(
          () => true,
          () => false
        )
      )
        await unlink(aside).catch(() => undefined)
      continue
    }
    if (Date.now() > deadline) {
      throw new AppError({
        code: 'file-write-failed',
        params: { file: path, reason: 'locked' },
        detail: `${path} is locked by another Mail Setup process (${lockPath})`
      })
    }
    // Short, jittered waits: a save holds the lock for a few milliseconds.
    await sleep(Math.min(5 + attempt * 5, 100) + Math.random() * 10)
  }
  try {
    return await fn()
  } finally {
    // Only our own lock: a lock taken over as stale belongs to someone else now.
    const text = await readFile(lockPath, 'utf8').catch(() => '')
    if (text.endsWith(nonce)) await unlink(lockPath).catch(() => undefined)
  }
}
