// A test certificate authority built with the openssl CLI. `openssl ca` (not `x509 -req`)
// because OpenSSL 3.0 can only back-date or future-date certificates through it.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface IssueOptions {
  expired?: boolean
  notYetValid?: boolean
  selfSigned?: boolean
  /** Signed by a second CA that nothing trusts. */
  untrustedCa?: boolean
}

export interface IssuedCert {
  certPem: string
  keyPem: string
  certFile: string
  keyFile: string
}

export interface TestCa {
  /** Folder holding the CA (reopen it in another process with openCa). */
  dir: string
  certPem: string
  /** PEM file of the trusted test CA (what MAIL_SETUP_EXTRA_CA points at). */
  file: string
  issueCert(names: string[], opts?: IssueOptions): Promise<IssuedCert>
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function cnf(dir: string): string {
  // Own config so the system openssl.cnf never adds or clashes with extensions.
  return [
    '[ req ]',
    'distinguished_name = dn',
    'prompt = no',
    '[ dn ]',
    'CN = unused',
    '[ ca ]',
    'default_ca = bench',
    '[ bench ]',
    `database = ${join(dir, 'index.txt')}`,
    `new_certs_dir = ${join(dir, 'issued')}`,
    `serial = ${join(dir, 'serial')}`,
    'default_md = sha256',
    'policy = any',
    'unique_subject = no',
    'email_in_dn = no',
    '[ any ]',
    'commonName = supplied',
    '[ ca_ext ]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    ''
  ].join('\n')
}

/** openssl's UTCTime form, YYMMDDHHMMSSZ. */
function utc(offsetMs: number): string {
  const d = new Date(Date.now() + offsetMs)
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'
}

const HOUR = 3600_000
const DAY = 24 * HOUR

interface Authority {
  dir: string
  cert: string
  key: string
  conf: string
}

async function makeAuthority(dir: string, commonName: string): Promise<Authority> {
  await mkdir(join(dir, 'issued'), { recursive: true })
  const conf = join(dir, 'openssl.cnf')
  await writeFile(conf, cnf(dir))
  await writeFile(join(dir, 'index.txt'), '')
  await writeFile(join(dir, 'serial'), '1000\n')
  await writeFile(join(dir, 'index.txt.attr'), 'unique_subject = no\n')
  const cert = join(dir, 'ca.pem')
  const key = join(dir, 'ca.key')
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    ...KEY_ARGS,
    '-config',
    conf,
    '-extensions',
    'ca_ext',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '60',
    '-subj',
    `/CN=${commonName}`
  ])
  return { dir, cert, key, conf }
}

export function createCa(dir: string): Promise<TestCa> {
  return makeAuthority(join(dir, 'ca'), 'Mail Setup Bench CA').then((trusted) => withAuthority(dir, trusted))
}

/** The CA a createCa(dir) made, from another process (e.g. a test worker). */
export function openCa(dir: string): Promise<TestCa> {
  const ca = join(dir, 'ca')
  return withAuthority(dir, {
    dir: ca,
    cert: join(ca, 'ca.pem'),
    key: join(ca, 'ca.key'),
    conf: join(ca, 'openssl.cnf')
  })
}

async function withAuthority(dir: string, trusted: Authority): Promise<TestCa> {
  let untrusted: Promise<Authority> | undefined
  // Per process, so workers never share the untrusted CA's database or file names.
  const tag = randomBytes(4).toString('hex')
  let counter = 0
  // `openssl ca` rewrites its database; one issue at a time.
  let queue: Promise<unknown> = Promise.resolve()

  async function issue(names: string[], opts: IssueOptions): Promise<IssuedCert> {
    if (!names.length) throw new Error('issueCert needs at least one name')
    const auth = opts.untrustedCa
      ? await (untrusted ??= makeAuthority(join(dir, `untrusted-ca-${tag}`), 'Untrusted Bench CA'))
      : trusted
    const base = join(dir, 'certs', `${tag}-${++counter}-${names[0]!.replace(/[^a-z0-9.-]/gi, '_')}`)
    await mkdir(join(dir, 'certs'), { recursive: true })
    const keyFile = `${base}.key`
    const certFile = `${base}.pem`
    const csr = `${base}.csr`
    const ext = `${base}.ext`
    const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(', ')
    await writeFile(
      ext,
      [
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth',
        `subjectAltName = ${san}`,
        ''
      ].join('\n')
    )
    await run('openssl', [
      'req',
      '-new',
      ...KEY_ARGS,
      '-config',
      auth.conf,
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      `/CN=${names[0]}`
    ])
    const [start, end] = opts.expired
      ? [utc(-30 * DAY), utc(-DAY)]
      : opts.notYetValid
        ? [utc(DAY), utc(30 * DAY)]
        : [utc(-HOUR), utc(30 * DAY)]
    const signer = opts.selfSigned ? ['-selfsign', '-keyfile', keyFile] : ['-cert', auth.cert, '-keyfile', auth.key]
    await run('openssl', [
      'ca',
      '-batch',
      '-notext',
      '-config',
      auth.conf,
      ...signer,
      '-in',
      csr,
      '-out',
      certFile,
      '-startdate',
      start,
      '-enddate',
      end,
      '-extfile',
      ext
    ])
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8'), certFile, keyFile }
  }

  return {
    dir,
    certPem: await readFile(trusted.cert, 'utf8'),
    file: trusted.cert,
    issueCert(names, opts = {}) {
      const next = queue.then(() => issue(names, opts))
      queue = next.catch(() => undefined)
      return next
    }
  }
}
