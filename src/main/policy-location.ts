// Where the admin policy file is looked for. A file an administrator placed in the system
// location (or in the installed app's resources) is the managed policy: a user's
// MAIL_SETUP_POLICY cannot replace it, so a login script or a curious user cannot lift what
// IT locked. Without one, MAIL_SETUP_POLICY names the file (tests, scripted runs).
import { existsSync } from 'node:fs'
import { join, win32, posix } from 'node:path'

export interface PolicyLocation {
  file: string
  /** True when the file came from a place only an administrator can write. */
  managed: boolean
}

/** The per-OS system location, documented in docs/admin.md. */
export function systemPolicyFile(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Mail Setup', 'policy.json')
  if (platform === 'darwin') return posix.join('/Library', 'Application Support', 'Mail Setup', 'policy.json')
  return posix.join('/etc', 'mail-setup', 'policy.json')
}

/**
 * The policy file in force, if any. `resourcesPath` is Electron's process.resourcesPath in a
 * packaged build (the installer's `policy/` folder beside app.asar), undefined elsewhere.
 */
export function findPolicyFile(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath
): PolicyLocation | undefined {
  const managed = [
    systemPolicyFile(platform, env),
    resourcesPath ? join(resourcesPath, 'policy', 'policy.json') : undefined
  ]
  for (const file of managed) if (file && existsSync(file)) return { file, managed: true }
  return env.MAIL_SETUP_POLICY ? { file: env.MAIL_SETUP_POLICY, managed: false } : undefined
}
