// Runtime configuration, read once from the environment (and CLI flags), passed to services.
// Defaults use the system resolver and trust store; tests point these at the bench.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findPolicyFile } from './policy-location'

export interface Config {
  /** DNS servers as "ip" or "ip:port"; empty means the system resolver. */
  dnsServers: string[]
  /** Extra trusted CA certificates (PEM), added to the system store. */
  extraCaPem: string[]
  /** The variables that say where the OS store and Node's extra CAs are (net/trust.ts reads them once). */
  trustEnv: Pick<NodeJS.ProcessEnv, 'NODE_EXTRA_CA_CERTS' | 'MAIL_SETUP_SYSTEM_CA' | 'SSL_CERT_FILE'>
  /** Admin and user folders of autoconfig files, searched after the shipped ones. */
  ispDirs: string[]
  /** Base URL of the online ISPDB; the domain is appended. */
  ispdbBaseUrl: string
  /** Turns every network discovery source off. */
  offline: boolean
  /** Global discovery deadline. */
  discoveryDeadlineMs: number
  /** Where accounts.json lives. */
  userDataDir: string
  /** The home folder whose mail programs the wizard looks for (MAIL_SETUP_CLIENTS_HOME; tests use a throwaway one). */
  clientsHome: string
  /**
   * The folders under it that the environment moves (XDG_CONFIG_HOME, APPDATA, LOCALAPPDATA); none when the home was
   * given.
   */
  clientsEnv: Record<string, string | undefined>
  /** Keychain service name under which passwords are stored. */
  keychainService: string
  /** Optional admin policy file (src/main/policy/); where it is looked for: policy-location.ts. */
  policyFile?: string
  /** The policy file came from where only an administrator can write (the organisation's). */
  policyManaged?: boolean
  /** Folder of files shipped with the app (providers.json, isp/). */
  resourcesDir: string
  /**
   * MAIL_SETUP_COMMAND: an absolute command that runs this app's CLI, for exports to name
   * (`mail-setup token`); without it self-command.ts works it out.
   */
  command?: string
}

function list(value: string | undefined, sep = /[,\s]+/): string[] {
  return (value ?? '')
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A list of paths: `:` or `;` between them, but only `;` on Windows, where `C:\` has a colon. */
export function pathList(value: string | undefined, platform: NodeJS.Platform = process.platform): string[] {
  return list(value, platform === 'win32' ? /;/ : /[:;]/)
}

function defaultUserDataDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return join(env.APPDATA ?? homedir(), 'Mail Setup')
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Mail Setup')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'mail-setup')
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Config> = {},
  resourcesDir = defaultResourcesDir()
): Config {
  const caFiles = pathList(env.MAIL_SETUP_EXTRA_CA)
  const policy = findPolicyFile(env)
  const base: Config = {
    dnsServers: list(env.MAIL_SETUP_DNS),
    extraCaPem: caFiles.map((f) => readFileSync(f, 'utf8')),
    trustEnv: {
      NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS,
      MAIL_SETUP_SYSTEM_CA: env.MAIL_SETUP_SYSTEM_CA,
      SSL_CERT_FILE: env.SSL_CERT_FILE
    },
    ispDirs: pathList(env.MAIL_SETUP_ISP_DIRS),
    ispdbBaseUrl: env.MAIL_SETUP_ISPDB_URL ?? 'https://autoconfig.thunderbird.net/v1.1/',
    offline: env.MAIL_SETUP_OFFLINE === '1',
    discoveryDeadlineMs: Number(env.MAIL_SETUP_DEADLINE_MS) > 0 ? Number(env.MAIL_SETUP_DEADLINE_MS) : 6000,
    userDataDir: env.MAIL_SETUP_USER_DATA ?? defaultUserDataDir(env),
    clientsHome: env.MAIL_SETUP_CLIENTS_HOME || homedir(),
    clientsEnv: env.MAIL_SETUP_CLIENTS_HOME
      ? {}
      : { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME, APPDATA: env.APPDATA, LOCALAPPDATA: env.LOCALAPPDATA },
    keychainService: env.MAIL_SETUP_KEYCHAIN_SERVICE ?? 'Mail Setup',
    policyFile: policy?.file,
    policyManaged: policy?.managed,
    resourcesDir,
    command: env.MAIL_SETUP_COMMAND || undefined
  }
  return { ...base, ...overrides }
}

/**
 * `resources/` found from this code's own file, never through the current folder (a planted
 * `./resources/providers.json` would become a trusted provider table). The code runs from
 * `src/main/` (tests), `out/main/` (the built entries) or `out/main/chunks/` (code the build
 * shares between entries), two or three levels below the app's root, in a clone and inside a
 * packaged app.asar alike.
 */
export function defaultResourcesDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl))
  return join(here, ...(basename(here) === 'chunks' ? ['..', '..', '..'] : ['..', '..']), 'resources')
}
