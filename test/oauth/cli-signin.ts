// A CLI process that signs in through the browser, as a user runs it: the test's Chromium opens
// the URL the CLI prints and signs in on the authorization server's own pages.
import type { Browser } from 'playwright-core'
import { cliProcess } from '../cli/process'
import { openPage, signInRedirect } from './browser'

export interface SignInRun {
  code: number
  stdout: string
  stderr: string
  /** The sign-in URL the CLI printed. */
  url: string
  /** Where the browser came back to (carries the authorization code). */
  redirectUrl: string
}

/** Runs the CLI; signs in as `login` in Chromium as soon as it prints the URL. */
export async function cliSigningIn(
  browser: Browser,
  env: NodeJS.ProcessEnv,
  args: string[],
  login: string
): Promise<SignInRun> {
  let stderr = ''
  let url = ''
  let browsing: Promise<string> | undefined
  const run = await cliProcess(args, {
    env,
    onStart(child) {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        const found = /https:\/\/\S+\/auth\?\S+/.exec(stderr)
        if (found && !browsing) {
          url = found[0]
          browsing = openPage(browser, url)
            .then((page) => signInRedirect(page, login))
            .then((r) => r.redirectUrl)
          // A failed sign-in shows in the result; keep the process from an unhandled rejection.
          browsing.catch(() => undefined)
        }
      })
    }
  })
  const redirectUrl = await (browsing ?? Promise.resolve('')).catch((err: unknown) => {
    throw new Error(`browser sign-in failed: ${String(err)}\n${run.stderr}`)
  })
  return { code: run.code, stdout: run.stdout, stderr: run.stderr, url, redirectUrl }
}
