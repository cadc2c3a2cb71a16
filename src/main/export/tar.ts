// A minimal ustar writer: regular files only, enough to bundle a few small text files.
export interface TarEntry {
  name: string
  content: string
  mode?: number
  mtime?: Date
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512, 0)
  const name = Buffer.from(entry.name, 'utf8')
  if (name.length > 100) throw new Error(`tar name too long: ${entry.name}`)
  name.copy(h, 0)
  h.write(octal(entry.mode ?? 0o600, 8), 100, 'ascii')
  h.write(octal(0, 8), 108, 'ascii')
  h.write(octal(0, 8), 116, 'ascii')
  h.write(octal(size, 12), 124, 'ascii')
  h.write(octal(Math.floor((entry.mtime ?? new Date(0)).getTime() / 1000), 12), 136, 'ascii')
  h.write('        ', 148, 'ascii')
  h.write('0', 156, 'ascii')
  h.write('ustar\0', 257, 'ascii')
  h.write('00', 263, 'ascii')
  let sum = 0
  for (const byte of h) sum += byte
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii')
  return h
}

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const data = Buffer.from(entry.content, 'utf8')
    parts.push(header(entry, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512, 0))
  }
  parts.push(Buffer.alloc(1024, 0))
  return Buffer.concat(parts)
}
