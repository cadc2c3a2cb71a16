#!/usr/bin/env node
// `npm start`: build, then open the wizard in its Electron window; where the Electron
// runtime cannot start (not downloaded, no display), serve it to the browser instead.
// `npm start -- --browser` goes straight to browser mode.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const args = process.argv.slice(2)
const wantBrowser = args.includes('--browser')
const passThrough = args.filter((a) => a !== '--browser')

if (!args.includes('--no-build')) {
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (build.status !== 0) {
    console.error('Mail Setup: the build failed (see above).')
    process.exit(build.status ?? 1)
  }
}

/** Why the Electron window cannot open here, or undefined when it can. */
function electronUnavailable() {
  // Read the package's path.txt rather than require('electron'): requiring it starts a
  // download when the runtime is missing, which hangs or fails on a closed network.
  const dir = join('node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  const binary = existsSync(pathFile)
    ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), readFileSync(pathFile, 'utf8'))
    : undefined
  if (!binary || !existsSync(binary))
    return 'the Electron runtime is not installed (its download is not reachable from this machine)'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'there is no graphical display'
  return undefined
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

const reason = wantBrowser ? undefined : electronUnavailable()
if (wantBrowser || reason) {
  if (reason) console.log(`Mail Setup: opening in your browser instead of a window, because ${reason}.`)
  run(process.execPath, ['out/main/browser.js', ...passThrough])
} else {
  run('npx', ['electron-vite', 'preview', '--skipBuild', ...passThrough])
}
