// The real Secret Service (gnome-keyring) for credential tests. The test runner starts it
// inside dbus-run-session; when a test run is started without it (plain `npx vitest run`),
// the bench starts its own session bus and keyring, so keytar always has one.
//
// Locking goes through the Secret Service API. Unlocking through that API needs a GUI
// prompt, which cannot be answered headless (libsecret then reports nothing found), so
// unlockKeyring() sends the password over gnome-keyring's own control socket, as
// `gnome-keyring-daemon --unlock` does at login. The running daemon keeps its bus name,
// so keytar connections in the test process stay valid.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Set by the runner (and by startSessionKeyring): the login keyring's password. */
export const KEYRING_PASSWORD_ENV = 'MAIL_SETUP_TEST_KEYRING_PASSWORD'
/** The daemon's control folder (holds the `control` socket); default $XDG_RUNTIME_DIR/keyring. */
export const KEYRING_CONTROL_ENV = 'MAIL_SETUP_TEST_KEYRING_CONTROL'

const SERVICE = 'org.freedesktop.secrets'
const LOGIN = '/org/freedesktop/secrets/collection/login'

async function gdbus(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await run('gdbus', ['call', '--session', '--dest', SERVICE, '--timeout', '5', ...args], {
    env,
    timeout: 8000
  })
  return stdout.trim()
}

/** True when a Secret Service answers on the session bus of `env`. */
export async function keyringAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env.DBUS_SESSION_BUS_ADDRESS) return false
  try {
    // Ask the bus first: calling the service itself would D-Bus-activate a second, locked daemon.
    const { stdout } = await run(
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        SERVICE
      ],
      { env, timeout: 8000 }
    )
    if (!stdout.includes('true')) return false
    const out = await gdbus(
      [
        '--object-path',
        '/org/freedesktop/secrets',
        '--method',
        'org.freedesktop.DBus.Properties.Get',
        'org.freedesktop.Secret.Service',
        'Collections'
      ],
      env
    )
    return out.includes(LOGIN)
  } catch {
    return false
  }
}

export async function keyringLocked(): Promise<boolean> {
  const out = await gdbus([
    '--object-path',
    LOGIN,
    '--method',
    'org.freedesktop.DBus.Properties.Get',
    'org.freedesktop.Secret.Collection',
    'Locked'
  ])
  return out.includes('true')
}

/** Lock the login collection (as a screen lock would); keytar then cannot read or write. */
export async function lockKeyring(): Promise<void> {
  await gdbus([
    '--object-path',
    '/org/freedesktop/secrets',
    '--method',
    'org.freedesktop.Secret.Service.Lock',
    `['${LOGIN}']`
  ])
}

function startDaemon(args: string[], password: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn('gnome-keyring-daemon', [...args, '--unlock', '--components=secrets'], {
    env,
    stdio: ['pipe', 'ignore', 'ignore']
  })
  child.stdin?.end(password)
  return child
}

/** One request on gnome-keyring's control socket: a credentials byte, then big-endian
 * [length][op][string length][string]; the reply is [length][result], 0 = OK. */
function controlUnlock(dir: string, password: string): Promise<number> {
  const pw = Buffer.from(password, 'utf8')
  const msg = Buffer.alloc(12 + pw.length)
  msg.writeUInt32BE(msg.length, 0)
  msg.writeUInt32BE(1, 4) // GKD_CONTROL_OP_UNLOCK
  msg.writeUInt32BE(pw.length, 8)
  pw.copy(msg, 12)
  return new Promise((resolve, reject) => {
    const socket = connect(join(dir, 'control'), () => socket.write(Buffer.concat([Buffer.from([0]), msg])))
    let reply = Buffer.alloc(0)
    socket.setTimeout(5000, () => socket.destroy(new Error('keyring control socket timed out')))
    socket.on('data', (d: Buffer) => {
      reply = Buffer.concat([reply, d])
      if (reply.length >= 8) {
        socket.end()
        resolve(reply.readUInt32BE(4))
      }
    })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('keyring control socket closed without a reply')))
  })
}

/** Unlock the login collection with the test password, without a prompt. */
export async function unlockKeyring(): Promise<void> {
  const password = process.env[KEYRING_PASSWORD_ENV]
  if (password === undefined)
    throw new Error(`${KEYRING_PASSWORD_ENV} is not set: the keyring was not started by the bench or the test runner`)
  const dir =
    process.env[KEYRING_CONTROL_ENV] ??
    process.env.GNOME_KEYRING_CONTROL ??
    (process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'keyring') : undefined)
  if (!dir) throw new Error('no gnome-keyring control folder known')
  const result = await controlUnlock(dir, password)
  if (result !== 0) throw new Error(`gnome-keyring refused to unlock (result ${result})`)
}

/** An environment with no session bus and no way to autostart one: "no keychain". */
export function envWithoutKeyring(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base }
  // GDBus falls back to $XDG_RUNTIME_DIR/bus, then to X11 autolaunch; remove every route.
  for (const k of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[k]
  return env
}

export interface SessionKeyring {
  /** Stops the keyring daemon and starts a new one on the same bus and files, unlocked. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * Start a session bus and an unlocked gnome-keyring under `dir` and point this process's
 * environment at them (workers started afterwards inherit it).
 */
export async function startSessionKeyring(dir: string, password: string): Promise<SessionKeyring> {
  const home = join(dir, 'home')
  const runtime = join(dir, 'runtime')
  await mkdir(join(home, '.local', 'share'), { recursive: true })
  await mkdir(runtime, { recursive: true, mode: 0o700 })
  const bus = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`],
    {
      stdio: ['ignore', 'pipe', 'ignore']
    }
  )
  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    bus.once('error', reject)
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)))
    bus.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim())
    })
  })
  process.env.DBUS_SESSION_BUS_ADDRESS = address
  process.env[KEYRING_PASSWORD_ENV] = password
  process.env[KEYRING_CONTROL_ENV] = join(runtime, 'keyring')
  // Keyring files and the control socket under the bench folder, never the real HOME.
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: runtime
  }
  let daemon = startDaemon(['--foreground'], password, env)
  daemon.on('error', () => undefined)
  const end = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await gone
    }
  }
  const stop = async (): Promise<void> => {
    await end(daemon)
    await end(bus)
  }
  const up = async (): Promise<void> => {
    const deadline = Date.now() + 5000
    while (!(await keyringAvailable())) {
      if (Date.now() > deadline) {
        await stop()
        throw new Error('gnome-keyring did not come up on the bench session bus')
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  await up()
  const restart = async (): Promise<void> => {
    await end(daemon)
    daemon = startDaemon(['--foreground'], password, env)
    daemon.on('error', () => undefined)
    await up()
  }
  return { restart, stop }
}
