// The wizard's bulk folder (user-data/bulk) between app sessions. The copies of lists a session
// made (they may hold plain passwords) never outlive it: the next session removes them soon
// after it starts, or before its first bulk use if that comes first: once per session (a sweep
// after the session made files would take them too).
// The newest state files stay (results only, never a password, named by the list's identity),
// so a stopped check resumes when the admin picks the same list again.
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** State files kept from earlier sessions. */
export const KEEP_STATES = 4
/** A state file: the list identity's hex digest. */
const STATE_NAME = /^[0-9a-f]{64}\.state$/
/** After start-up: the sweep is not on the path to the first screen. */
const AFTER_START_MS = 1500

export const bulkFolder = (userDataDir: string): string => join(userDataDir, 'bulk')

/** Removes everything but the newest state files. */
async function sweepBulkFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const states: Array<{ path: string; mtime: number }> = []
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    if (STATE_NAME.test(name)) states.push({ path, mtime: (await stat(path)).mtimeMs })
    else await rm(path, { recursive: true, force: true })
  }
  states.sort((a, b) => b.mtime - a.mtime)
  for (const old of states.slice(KEEP_STATES)) await rm(old.path, { force: true })
}

/** One sweep per app session, keyed by the session's settings object (each start makes its own). */
const swept = new WeakMap<object, Promise<void>>()

/** The session's sweep: the first call does it, later calls wait for the same one. */
export function sweepOnce(config: { userDataDir: string }): Promise<void> {
  let sweep = swept.get(config)
  if (!sweep) swept.set(config, (sweep = sweepBulkFolder(bulkFolder(config.userDataDir))))
  return sweep
}

/** For a wizard door as it starts: the earlier sessions' list copies go soon, bulk page or not. */
export function sweepSoon(config: { userDataDir: string }): void {
  setTimeout(() => void sweepOnce(config).catch(() => undefined), AFTER_START_MS).unref()
}
