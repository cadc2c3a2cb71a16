// The wrapper shared by `npm test` and `npm run bench`: runs a command inside its own D-Bus
// session with an unlocked gnome-keyring (a real Secret Service for keytar), with HOME, XDG_*
// and TMPDIR in one temp folder so nothing is written outside it.
//
//   runInSession(cmd, args)  → exit code
//   node scripts/session.js --inner -- cmd args…  (what runs on the session bus)
//
// Like dbus-run-session, but the bus daemon's own chatter (activation notices, the headless
// prompter's GTK warnings) goes to <temp>/dbus.log instead of the test output.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const here = fileURLToPath(import.meta.url)

/** Names the bench reads (test/world/keyring.ts). */
export const KEYRING_PASSWORD_ENV = 'MAIL_SETUP_TEST_KEYRING_PASSWORD'
export const KEYRING_CONTROL_ENV = 'MAIL_SETUP_TEST_KEYRING_CONTROL'

function wait(child) {
  return new Promise((resolve) => {
    child.once('error', () => resolve(127))
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

/** A fresh temp root with home, XDG dirs and TMPDIR; returns it and the environment. */
export async function sessionEnv(base = process.env) {
  const root = await mkdtemp(join(tmpdir(), 'mail-setup-test-'))
  // Traversable: Dovecot's mail processes (uid 65534) reach bench folders below TMPDIR.
  await chmod(root, 0o755)
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'home', '.config'),
    XDG_CACHE_HOME: join(root, 'home', '.cache'),
    XDG_DATA_HOME: join(root, 'home', '.local', 'share'),
    XDG_STATE_HOME: join(root, 'home', '.local', 'state'),
    XDG_RUNTIME_DIR: join(root, 'runtime'),
    TMPDIR: join(root, 'tmp')
  }
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true })
  await chmod(dirs.XDG_RUNTIME_DIR, 0o700)
  await chmod(dirs.TMPDIR, 0o1777)
  const env = {
    ...base,
    ...dirs,
    // npm and npx keep their cache where they always do, not in the throwaway HOME.
    npm_config_cache: base.npm_config_cache ?? join(process.env.HOME ?? '/root', '.npm'),
    [KEYRING_PASSWORD_ENV]: randomBytes(12).toString('base64url'),
    [KEYRING_CONTROL_ENV]: join(dirs.XDG_RUNTIME_DIR, 'keyring')
  }
  for (const k of ['DBUS_SESSION_BUS_ADDRESS', 'GNOME_KEYRING_CONTROL', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[k]
  return { root, env }
}

/** Where the inner process leaves word that the keyring daemon died (the session root, beside runtime). */
const keyringExitFile = (runtime) => join(runtime, '..', 'keyring-exit.txt')

/**
 * Run `cmd args` in a new D-Bus session with an unlocked keyring; resolves to its exit code.
 * `opts.notes`, when given, receives a line if the keyring daemon died while the command ran.
 */
export async function runInSession(cmd, args = [], opts = {}) {
  const { root, env } = await sessionEnv({ ...process.env, ...(opts.env ?? {}) })
  const log = openSync(join(root, 'dbus.log'), 'a')
  const bus = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(env.XDG_RUNTIME_DIR, 'bus')}`],
    {
      env,
      stdio: ['ignore', 'pipe', log]
    }
  )
  closeSync(log)
  try {
    env.DBUS_SESSION_BUS_ADDRESS = await new Promise((resolve, reject) => {
      let out = ''
      bus.once('error', (err) => reject(new Error(`cannot start dbus-daemon (package dbus): ${err.message}`)))
      bus.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}; see ${join(root, 'dbus.log')}`)))
      bus.stdout.on('data', (d) => {
        out += d.toString()
        if (out.includes('\n')) resolve(out.split('\n')[0].trim())
      })
    })
    const child = spawn(process.execPath, [here, '--inner', '--', cmd, ...args], {
      env,
      stdio: 'inherit',
      cwd: opts.cwd
    })
    const forward = (sig) => child.kill(sig)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    const code = await wait(child)
    process.off('SIGINT', forward)
    process.off('SIGTERM', forward)
    return code
  } finally {
    if (bus.exitCode === null && bus.signalCode === null) {
      const gone = wait(bus)
      bus.kill('SIGTERM')
      await gone
    }
    const exitFile = keyringExitFile(env.XDG_RUNTIME_DIR)
    if (opts.notes && existsSync(exitFile)) opts.notes.push(readFileSync(exitFile, 'utf8').trim())
    if (process.env.MAIL_SETUP_KEEP_TMP !== '1') await rm(root, { recursive: true, force: true })
  }
}

async function nameOwned(env) {
  try {
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
        'org.freedesktop.secrets'
      ],
      { env, timeout: 5000 }
    )
    return stdout.includes('true')
  } catch {
    return false
  }
}

/** On the session bus: start the keyring, wait for it, run the command. */
async function inner(cmd, args) {
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    stdio: ['pipe', 'ignore', 'ignore']
  })
  keyring.on('error', () => undefined)
  keyring.stdin.end(process.env[KEYRING_PASSWORD_ENV])
  // A daemon that dies mid-run fails every keychain test after it, far from the cause: say so
  // where it happens and in the run's summary (once, gnome-keyring crashed under a client's churn).
  let stopping = false
  keyring.once('exit', (code, signal) => {
    if (stopping) return
    const how = signal ? `on ${signal}` : `with code ${code}`
    const note = `gnome-keyring-daemon, the tests' Secret Service, exited ${how} at ${new Date().toISOString()} while the tests ran; keychain tests after that fail because of it`
    console.error(`session: ${note}`)
    try {
      writeFileSync(keyringExitFile(process.env.XDG_RUNTIME_DIR), note)
    } catch {
      // the line above is the record
    }
  })
  const deadline = Date.now() + 10_000
  while (!(await nameOwned(process.env))) {
    if (keyring.exitCode !== null || Date.now() > deadline) {
      console.error('session: gnome-keyring did not start (is the gnome-keyring package installed?)')
      break
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  const child = spawn(cmd, args, { stdio: 'inherit' })
  // Ctrl+C reaches the keyring daemon too (same process group): that end is not a crash.
  const forward = (sig) => {
    stopping = true
    child.kill(sig)
  }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const code = await wait(child)
  stopping = true
  keyring.kill('SIGTERM')
  return code
}

if (process.argv[1] === here && process.argv[2] === '--inner') {
  const rest = process.argv.slice(process.argv[3] === '--' ? 4 : 3)
  if (!rest.length) {
    console.error('usage: node scripts/session.js --inner -- <command> [args…]')
    process.exit(2)
  }
  inner(rest[0], rest.slice(1)).then((code) => process.exit(code))
}
