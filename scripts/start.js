#!/usr/bin/env node
// `npm start`: build, then open the wizard in its Electron window; where the Electron
// runtime cannot start (not downloaded, no display), serve it to the browser instead.
// `npm start -- --browser` goes straight to browser mode.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

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
  let binary
  try {
    binary = createRequire(import.meta.url)('electron')
  } catch {
    return 'the Electron runtime is not installed (its download is not reachable from this machine)'
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron runtime is not installed'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no graphical display'
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
