// What the Electron entry does with its command line: open the window, or run the command
// line tool without one. The packaged app has run-as-node off (electron-builder.json), so
// `ELECTRON_RUN_AS_NODE=1 "Mail Setup" cli.js` cannot work; `"Mail Setup" --cli verify …`
// (or the wrappers in packaging/cli/) runs the same CLI inside the signed binary instead.
// No Electron import here: the routing is tested as a plain function.

export type EntryRoute = { kind: 'window' } | { kind: 'cli'; args: string[] }

/** The switch that selects the command line; it must be the first argument the user gave. */
export const CLI_SWITCH = '--cli'

/**
 * `argv` is process.argv. A packaged app has its own binary as argv[0] and the user's
 * arguments after it; an unpackaged one (`electron .`, `electron out/main/index.js`) also
 * has the app's path as argv[1].
 */
export function entryRoute(argv: readonly string[], packaged: boolean): EntryRoute {
  const user = argv.slice(packaged ? 1 : 2)
  if (user[0] !== CLI_SWITCH) return { kind: 'window' }
  return { kind: 'cli', args: user.slice(1) }
}
