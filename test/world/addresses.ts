// Loopback addresses for test servers. Linux routes all of 127.0.0.0/8 to `lo`, so every
// test run takes its own 127.A.B.x block (A and B from the process id and a random draw):
// two runs at once never collide, and each fake host can listen on its standard port.
import { randomInt } from 'node:crypto'

const a = 10 + (process.pid % 200)
const b = randomInt(1, 250)
let next = 2

/** A fresh loopback address for one fake host, unique within this process. */
export function allocLoopback(): string {
  if (next > 254) throw new Error('loopback block exhausted')
  return `127.${a}.${b}.${next++}`
}
