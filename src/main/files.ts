// Atomic file writes: write a temp file beside the target, fsync, then rename over it,
// so a crash never leaves a half-written file.
import { lstat, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { AppError } from './errors'

/** Our own files (accounts.json): the folder is created when missing. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await replaceAtomically(path, data, mode)
}

/** A file's content: whole, or in pieces as they are made (a long report never held whole). */
export type FileData = string | Uint8Array | AsyncIterable<string>

async function replaceAtomically(path: string, data: FileData, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(tmp, 'wx', mode)
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data)
    else {
      // Pieces gathered to about 64 KiB per write: fewer system calls than one per row.
      let buf = ''
      for await (const piece of data) {
        buf += piece
        if (buf.length >= 65_536) {
          await handle.write(buf)
          buf = ''
        }
      }
      if (buf) await handle.write(buf)
    }
    await handle.sync()
  } catch (err) {
    await handle.close()
    await unlink(tmp).catch(() => undefined)
    throw err
  }
  await handle.close()
  try {
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => undefined)
    throw err
  }
}

export type UserFileProblem =
  'is-a-directory' | 'not-a-regular-file' | 'folder-missing' | 'not-writable' | 'disk-full' | 'other'

const REASONS: Record<string, UserFileProblem> = {
  EACCES: 'not-writable',
  EPERM: 'not-writable',
  EROFS: 'not-writable',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  ENOENT: 'folder-missing',
  ENOTDIR: 'folder-missing',
  EISDIR: 'is-a-directory'
}

function refuse(path: string, reason: UserFileProblem, detail: string): never {
  throw new AppError({ code: 'file-write-failed', params: { file: path, reason }, detail: `${path}: ${detail}` })
}

/**
 * A file the user named (`--out`, a save dialog's choice). Only a regular file is replaced,
 * never a device, FIFO or socket (renaming over /dev/full or a pipe would destroy it); a
 * symlink to a regular file is written through; missing folders are not created. Problems
 * are `file-write-failed` with params.reason.
 */
export async function writeUserFile(path: string, data: FileData): Promise<string> {
  let target = resolve(path)
  const link = await lstat(target).catch(() => undefined)
  const info = await stat(target).catch(() => undefined)
  if (link && !info) refuse(path, 'not-a-regular-file', 'a symbolic link to nothing')
  if (info?.isDirectory()) refuse(path, 'is-a-directory', 'is a folder; give a file name')
  if (info && !info.isFile()) refuse(path, 'not-a-regular-file', 'is a device, pipe or socket, not a regular file')
  if (link?.isSymbolicLink()) target = await realpath(target)
  const folder = await stat(dirname(target)).catch(() => undefined)
  if (!folder?.isDirectory()) refuse(path, 'folder-missing', `the folder ${dirname(target)} does not exist`)
  try {
    await replaceAtomically(target, data, info ? info.mode & 0o777 : 0o600)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    refuse(path, REASONS[e.code ?? ''] ?? 'other', e.message)
  }
  return target
}
