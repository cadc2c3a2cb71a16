// Thunderbird (Debian's `thunderbird`, ESR) as a test client: a throwaway profile, a headless
// start with Marionette, and Thunderbird's own code run in its chrome context over the
// Marionette client in ./marionette.ts. Used to prove that what we export is what Thunderbird
// reads: the autoconfig file through its own reader (readFromXML, FetchConfig.fromISP) and
// verifier (ConfigVerifier), a user.js profile as the accounts it creates, and that the
// accounts sign in, fetch and send.
//
//   const tb = await startThunderbird({ userJs, hostsFile, trustPem: [bench.ca.certPem] })
//   const accounts = await tb.accounts()
//   await tb.stop()
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '../export/tools'
import { Marionette } from './marionette'

export const THUNDERBIRD = '/usr/bin/thunderbird'

/** nsMsgSocketType and nsMsgAuthMethod values, as Thunderbird stores them. */
export const SOCKET_TYPE = { plain: 0, starttls: 2, tls: 3 } as const
export const AUTH_METHOD = {
  passwordCleartext: 3,
  passwordEncrypted: 4,
  gssapi: 5,
  ntlm: 6,
  external: 7,
  secure: 8,
  anything: 9,
  oauth2: 10,
  none: 1
} as const

export interface ThunderbirdOptions {
  /** Written to the profile's user.js before the start (e.g. an exported user.js). */
  userJs?: string
  /** A hosts file: Thunderbird runs in its own mount namespace with it as /etc/hosts. */
  hostsFile?: string
  /** CA certificates (PEM) Thunderbird trusts for TLS, added to the profile's NSS store. */
  trustPem?: string[]
  /** Deadline for the start, in ms (Marionette listening and a session open). */
  startMs?: number
  /**
   * Runs on the profile folder (its user.js written) before Thunderbird starts, as a tool that writes into a closed
   * profile would.
   */
  prepare?: (profile: string) => Promise<void>
}

export interface TbServer {
  key: string
  type: string
  hostName: string
  port: number
  socketType: number
  authMethod: number
  username: string
}

export interface TbAccount {
  key: string
  incoming: TbServer & { prettyName: string }
  identities: Array<{
    key: string
    email: string
    fullName: string
    smtpServerKey: string
    fccFolderURI: string
    draftFolderURI: string
  }>
}

export type TbFolderRole = 'sent' | 'drafts' | 'trash' | 'junk' | 'archive'

export interface TbFolderSettings {
  fccFolderURI: string
  fccFolderPickerMode: string
  draftsFolderURI: string
  draftsFolderPickerMode: string
  archivesFolderURI: string
  archivesFolderPickerMode: string
  spamActionTargetFolder: string
  trashFolderPath: string
}

/** Thunderbird's AccountConfig as its autoconfig reader fills it (the fields we check). */
export interface TbConfig {
  source: number
  subSource: string
  id: string
  displayName: string
  domains: string[]
  incoming: { type: string; hostname: string; port: number; socketType: number; auth: number; username: string }
  incomingAlternatives: Array<TbConfig['incoming']>
  outgoing: { type: string; hostname: string; port: number; socketType: number; auth: number; username: string }
  outgoingAlternatives: Array<TbConfig['outgoing']>
  identity: { realname: string; emailAddress: string }
}

export interface Thunderbird {
  profile: string
  marionette: Marionette
  /** Runs an async function body in Thunderbird's chrome context; `args` are its arguments. */
  script<T = unknown>(body: string, args?: unknown[]): Promise<T>
  /** Preference values (null when unset). */
  prefs(names: string[]): Promise<Record<string, string | number | boolean | null>>
  /** The mail accounts Thunderbird has, with their incoming server and identities. */
  accounts(): Promise<TbAccount[]>
  /** The outgoing (SMTP) servers Thunderbird has. */
  outgoingServers(): Promise<TbServer[]>
  /** Reads autoconfig XML the way Thunderbird reads its on-disk ISP files, for an address. */
  readAutoconfig(xml: string, address: string, realname?: string): Promise<TbConfig>
  /** Fetches autoconfig from autoconfig.<domain> / .well-known the way account setup does. */
  fetchAutoconfig(domain: string, address: string, realname?: string): Promise<TbConfig>
  /** Thunderbird's own account-setup verifier: signs in to the config's incoming server. */
  verifyConfig(config: TbConfig, password: string): Promise<void>
  /** Signs in to an existing account's incoming server (verifyLogon) with this password. */
  signIn(accountKey: string, password: string): Promise<void>
  /** Fetches the account's inbox from the server; the subjects it holds. */
  inboxSubjects(accountKey: string, password: string): Promise<string[]>
  /** Sends a message through the identity's outgoing server. */
  send(accountKey: string, message: { to: string; subject: string; body: string }, password: string): Promise<void>
  /**
   * Sends as the compose window does (MessageSend): through the identity's outgoing server,
   * then a copy into the identity's Sent folder, on the server for IMAP. Resolves once both are done.
   */
  sendWithCopy(
    accountKey: string,
    message: { to: string; subject: string; body: string },
    password: string
  ): Promise<void>
  /** The special folders as Thunderbird reads them from its settings (no connection). */
  folderSettings(accountKey: string): Promise<TbFolderSettings>
  /**
   * Signs in, lists the server's folders and returns the URIs of the folders Thunderbird flagged
   * Sent, Drafts, Trash, Junk and Archive (from the server's special-use attributes).
   */
  flaggedFolders(accountKey: string, password: string): Promise<Partial<Record<TbFolderRole, string>>>
  stop(): Promise<void>
}

const BASE_PREFS: Record<string, string | number | boolean> = {
  // Marionette picks a free port and writes it to <profile>/MarionetteActivePort.
  'marionette.port': 0,
  'mail.shell.checkDefaultClient': false,
  'mail.provider.suppress_dialog_on_startup': true,
  'mail.spotlight.firstRunDone': true,
  'mail.winsearch.firstRunDone': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'browser.dom.window.dump.enabled': true,
  // No network traffic of its own beyond what a test asks for.
  'mailnews.auto_config_url': '',
  'mailnews.start_page.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'mail.rights.override': true
}

function prefLine(name: string, value: string | number | boolean): string {
  return `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`
}

async function waitFor<T>(
  what: string,
  ms: number,
  fn: () => Promise<T | undefined>,
  child: ChildProcess,
  log: () => string
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `Thunderbird exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${log().slice(-2000)}`
      )
    if (Date.now() > deadline) throw new Error(`Thunderbird: no ${what} within ${ms} ms:\n${log().slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Starts Thunderbird headless on a fresh profile and opens a Marionette session. */
export async function startThunderbird(o: ThunderbirdOptions = {}): Promise<Thunderbird> {
  const root = await tempDir('thunderbird-')
  const profile = join(root, 'profile')
  const home = join(root, 'home')
  await mkdir(profile, { recursive: true })
  await mkdir(home, { recursive: true })
  const userJs = [...Object.entries(BASE_PREFS).map(([k, v]) => prefLine(k, v)), o.userJs ?? ''].join('\n')
  await writeFile(join(profile, 'user.js'), userJs)
  await o.prepare?.(profile)

  const argv = [
    THUNDERBIRD,
    '--headless',
    '--marionette',
    '-remote-allow-system-access',
    '--no-remote',
    '--profile',
    profile
  ]
  const command = o.hostsFile
    ? ['unshare', '--mount', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', o.hostsFile, ...argv]
    : argv
  const env = {
    ...process.env,
    HOME: home,
    MOZ_HEADLESS: '1',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    MOZ_CRASHREPORTER_DISABLE: '1'
  }
  // Its own process group, so stop() ends Thunderbird and its content processes together.
  const child = spawn(command[0]!, command.slice(1), {
    env,
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)))
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  let marionette: Marionette | undefined
  const stop = async (): Promise<void> => {
    try {
      await marionette?.command('Marionette:Quit', { flags: ['eForceQuit'] }).catch(() => undefined)
    } finally {
      marionette?.close()
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5000)
      if (child.exitCode === null && child.signalCode === null) await exited
      clearTimeout(killer)
      await rm(root, { recursive: true, force: true })
    }
  }

  try {
    const startMs = o.startMs ?? 60_000
    const port = await waitFor(
      'Marionette port',
      startMs,
      async () => {
        const text = await readFile(join(profile, 'MarionetteActivePort'), 'utf8').catch(() => '')
        return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined
      },
      child,
      () => log
    )
    marionette = await Marionette.connect(port)
    await marionette.command('WebDriver:NewSession', {
      capabilities: { alwaysMatch: { 'moz:accessibilityChecks': false } }
    })
    await marionette.command('Marionette:SetContext', { value: 'chrome' })
    await marionette.command('WebDriver:SetTimeouts', { script: 60_000 })
  } catch (err) {
    await stop()
    throw err
  }
  const m = marionette

  const tb: Thunderbird = {
    profile,
    marionette: m,
    script: (body, args = []) => m.chrome(body, args),
    prefs: (names) =>
      m.chrome(
        `const out = {}
        for (const n of args[0]) {
          const t = Services.prefs.getPrefType(n)
          out[n] = t === Services.prefs.PREF_STRING ? Services.prefs.getStringPref(n) : t === Services.prefs.PREF_INT ? Services.prefs.getIntPref(n) : t === Services.prefs.PREF_BOOL ? Services.prefs.getBoolPref(n) : null
        }
        return out`,
        [names]
      ),
    accounts: () =>
      m.chrome(`${MAIL_SERVICES}
        return MailServices.accounts.accounts.filter((a) => a.incomingServer && a.incomingServer.type !== 'none').map((a) => {
          const s = a.incomingServer
          return {
            key: a.key,
            incoming: { key: s.key, type: s.type, hostName: s.hostname, port: s.port, socketType: s.socketType, authMethod: s.authMethod, username: s.username, prettyName: s.prettyName },
            identities: a.identities.map((i) => ({ key: i.key, email: i.email, fullName: i.fullName, smtpServerKey: i.smtpServerKey ?? '', fccFolderURI: i.fccFolderURI ?? '', draftFolderURI: i.draftFolderURI ?? '' }))
          }
        })`),
    outgoingServers: () =>
      m.chrome(`${MAIL_SERVICES}
        const service = MailServices.outgoingServer ?? MailServices.smtp
        return [...service.servers].map((s) => {
          // Host and port live on the SMTP interface, not on nsIMsgOutgoingServer.
          const smtp = s.QueryInterface(Ci.nsISmtpServer)
          return { key: s.key, type: s.type, hostName: smtp.hostname, port: smtp.port, socketType: s.socketType, authMethod: s.authMethod, username: s.username }
        })`),
    readAutoconfig: (xml, address, realname = '') =>
      m.chrome(
        `${ACCOUNT_CREATION}
        // The steps of FetchConfig.fromDisk after it has read the file.
        const doc = new DOMParser().parseFromString(args[0], 'text/xml')
        const config = readFromXML(JXON.build(doc), 'disk')
        AccountConfig.replaceVariables(config, args[2], args[1], '')
        return plain(config)`,
        [xml, address, realname]
      ),
    fetchAutoconfig: (domain, address, realname = '') =>
      m.chrome(
        `${ACCOUNT_CREATION}
        const config = await FetchConfig.fromISP(args[0], args[1], AbortSignal.timeout(30000))
        AccountConfig.replaceVariables(config, args[2], args[1], '')
        return plain(config)`,
        [domain, address, realname]
      ),
    verifyConfig: (config, password) =>
      m.chrome(
        `${ACCOUNT_CREATION}
        const { ConfigVerifier } = ChromeUtils.importESModule('resource:///modules/accountcreation/ConfigVerifier.sys.mjs')
        const config = new AccountConfig()
        Object.assign(config.incoming, args[0].incoming, { password: args[1] })
        Object.assign(config.outgoing, args[0].outgoing, { password: args[1] })
        Object.assign(config.identity, args[0].identity)
        await new ConfigVerifier(null, AbortSignal.timeout(30000)).verifyConfig(config, false)
        return null`,
        [config, password]
      ),
    signIn: (accountKey, password) =>
      m.chrome(
        `${MAIL_SERVICES}${URL_LISTENER}
        const server = MailServices.accounts.getAccount(args[0]).incomingServer
        server.password = args[1]
        await run((l) => server.verifyLogon(l, null))
        return null`,
        [accountKey, password]
      ),
    inboxSubjects: (accountKey, password) =>
      m.chrome(
        `${MAIL_SERVICES}${URL_LISTENER}
        const server = MailServices.accounts.getAccount(args[0]).incomingServer
        server.password = args[1]
        let inbox
        if (server.type === 'pop3') {
          inbox = server.rootMsgFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox) ?? server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox)
          const pop3 = Cc['@mozilla.org/messenger/popservice;1'].getService(Ci.nsIPop3Service)
          await run((l) => pop3.GetNewMail(null, l, inbox, server.QueryInterface(Ci.nsIPop3IncomingServer)))
        } else {
          await run((l) => MailServices.imap.discoverAllFolders(server.rootFolder, l, null))
          // The folder list arrives after the URL stops; the script's timeout bounds the wait.
          while (!(inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox))) await new Promise((r) => setTimeout(r, 50))
          await run((l) => inbox.QueryInterface(Ci.nsIMsgImapMailFolder).updateFolderWithListener(null, l))
        }
        return [...inbox.msgDatabase.enumerateMessages()].map((h) => h.mime2DecodedSubject)`,
        [accountKey, password]
      ),
    send: (accountKey, message, password) =>
      m.chrome(
        `${MAIL_SERVICES}
        const account = MailServices.accounts.getAccount(args[0])
        const identity = account.defaultIdentity
        const server = MailServices.outgoingServer.getServerByIdentity(identity)
        const file = Services.dirsvc.get('TmpD', Ci.nsIFile)
        file.append('mail-setup-send.eml')
        file.createUnique(Ci.nsIFile.NORMAL_FILE_TYPE, 0o600)
        const m = args[1]
        const id = '<' + Services.uuid.generateUUID().toString().slice(1, -1) + '@mail-setup.test>'
        const text = ['From: ' + identity.email, 'To: ' + m.to, 'Subject: ' + m.subject, 'Message-ID: ' + id, 'Date: ' + new Date().toUTCString(), '', m.body, ''].join('\\r\\n')
        await IOUtils.writeUTF8(file.path, text)
        await new Promise((resolve, reject) => {
          const to = MailServices.headerParser.parseEncodedHeaderW(m.to)
          server.sendMailMessage(file, to, [], identity, identity.email, args[2], null, false, id, {
            QueryInterface: ChromeUtils.generateQI(['nsIMsgOutgoingListener']),
            onSendStart() {},
            onSendStop(uri, status, secInfo, errorMessage) {
              Components.isSuccessCode(status) ? resolve() : reject(new Error('send failed: 0x' + (status >>> 0).toString(16) + ' ' + (errorMessage ?? '')))
            }
          })
        })
        file.remove(false)
        return null`,
        [accountKey, message, password]
      ),
    sendWithCopy: (accountKey, message, password) =>
      m.chrome(
        `${MAIL_SERVICES}
        const account = MailServices.accounts.getAccount(args[0])
        const identity = account.defaultIdentity
        account.incomingServer.password = args[2]
        const fields = Cc['@mozilla.org/messengercompose/composefields;1'].createInstance(Ci.nsIMsgCompFields)
        fields.from = identity.email
        fields.to = args[1].to
        fields.subject = args[1].subject
        let sent = false
        await new Promise((resolve, reject) => {
          const hex = (status) => '0x' + (status >>> 0).toString(16)
          const listener = {
            QueryInterface: ChromeUtils.generateQI(['nsIMsgSendListener', 'nsIMsgCopyServiceListener']),
            onStartSending() {},
            onSendProgress() {},
            onStatus() {},
            onGetDraftFolderURI() {},
            onSendNotPerformed(id, status) { reject(new Error('send not performed: ' + hex(status))) },
            onTransportSecurityError() { reject(new Error('transport security error')) },
            onStopSending(id, status, message) {
              if (Components.isSuccessCode(status)) sent = true
              else reject(new Error('send failed: ' + hex(status) + ' ' + (message ?? '')))
            },
            onStartCopy() {},
            onProgress() {},
            setMessageKey() {},
            getMessageId() { return null },
            onStopCopy(status) {
              Components.isSuccessCode(status) && sent ? resolve() : reject(new Error('copy to the Sent folder failed: ' + hex(status)))
            }
          }
          const send = Cc['@mozilla.org/messengercompose/send;1'].createInstance(Ci.nsIMsgSend)
          send.createAndSendMessage(null, identity, account.key, fields, false, false, Ci.nsIMsgSend.nsMsgDeliverNow, null, 'text/plain', args[1].body, null, null, listener, args[2], null, Ci.nsIMsgCompType.New)
        })
        return null`,
        [accountKey, message, password]
      ),
    folderSettings: (accountKey) =>
      m.chrome(
        `${MAIL_SERVICES}
        const account = MailServices.accounts.getAccount(args[0])
        const i = account.defaultIdentity
        const s = account.incomingServer
        return {
          fccFolderURI: i.fccFolderURI ?? '', fccFolderPickerMode: i.fccFolderPickerMode ?? '',
          draftsFolderURI: i.draftsFolderURI ?? '', draftsFolderPickerMode: i.draftsFolderPickerMode ?? '',
          archivesFolderURI: i.archivesFolderURI ?? '', archivesFolderPickerMode: i.archivesFolderPickerMode ?? '',
          spamActionTargetFolder: s.spamSettings.actionTargetFolder ?? '',
          trashFolderPath: s.getStringValue('trash_folder_name')
        }`,
        [accountKey]
      ),
    flaggedFolders: (accountKey, password) =>
      m.chrome(
        `${MAIL_SERVICES}${URL_LISTENER}
        const server = MailServices.accounts.getAccount(args[0]).incomingServer
        server.password = args[1]
        await run((l) => MailServices.imap.discoverAllFolders(server.rootFolder, l, null))
        const F = Ci.nsMsgFolderFlags
        const roles = { sent: F.SentMail, drafts: F.Drafts, trash: F.Trash, junk: F.Junk, archive: F.Archive }
        // The folder list arrives after the URL stops; the script's timeout bounds the wait.
        while (!server.rootFolder.getFolderWithFlags(F.SentMail)) await new Promise((r) => setTimeout(r, 50))
        const out = {}
        for (const [role, flag] of Object.entries(roles)) {
          const f = server.rootFolder.getFolderWithFlags(flag)
          if (f) out[role] = f.URI
        }
        return out`,
        [accountKey, password]
      ),
    stop
  }

  if (o.trustPem?.length) {
    await tb.script(
      `const db = Cc['@mozilla.org/security/x509certdb;1'].getService(Ci.nsIX509CertDB)
      for (const pem of args[0]) db.addCertFromBase64(pem.replace(/-----[^-]+-----|\\s/g, ''), 'C,C,C')
      return null`,
      [o.trustPem]
    )
  }
  return tb
}

const MAIL_SERVICES = `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
const { setTimeout } = ChromeUtils.importESModule('resource://gre/modules/Timer.sys.mjs');\n`

/** Thunderbird's account-setup modules, and a JSON-able copy of an AccountConfig. */
const ACCOUNT_CREATION = `
const { readFromXML } = ChromeUtils.importESModule('resource:///modules/accountcreation/readFromXML.sys.mjs')
const { AccountConfig } = ChromeUtils.importESModule('resource:///modules/accountcreation/AccountConfig.sys.mjs')
const { FetchConfig } = ChromeUtils.importESModule('resource:///modules/accountcreation/FetchConfig.sys.mjs')
const { JXON } = ChromeUtils.importESModule('resource:///modules/JXON.sys.mjs')
const server = (s) => ({ type: s.type, hostname: s.hostname, port: s.port, socketType: s.socketType, auth: s.auth, username: s.username })
const plain = (c) => ({
  source: c.source, subSource: c.subSource, id: c.id, displayName: c.displayName, domains: [...c.domains],
  incoming: server(c.incoming), incomingAlternatives: c.incomingAlternatives.map(server),
  outgoing: server(c.outgoing), outgoingAlternatives: c.outgoingAlternatives.map(server),
  identity: { realname: c.identity.realname, emailAddress: c.identity.emailAddress }
})
`

/** run(start): starts a URL operation with an nsIUrlListener and waits for it to stop. */
const URL_LISTENER = `
const run = (start) => new Promise((resolve, reject) => {
  const listener = {
    QueryInterface: ChromeUtils.generateQI(['nsIUrlListener']),
    OnStartRunningUrl() {},
    OnStopRunningUrl(url, status) {
      Components.isSuccessCode(status) ? resolve() : reject(new Error('failed: 0x' + (status >>> 0).toString(16)))
    }
  }
  start(listener)
})
`
