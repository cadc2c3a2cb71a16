// A throwaway CA and one server certificate (IP and DNS SANs) made with openssl, so the
// OAuth server, Dovecot and the SMTP server all speak real TLS the app must verify.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestPki {
  dir: string
  caPem: string
  caFile: string
  certPem: string
  keyPem: string
  certFile: string
  keyFile: string
}

export function makeTestPki(sans: { ips?: string[]; names?: string[] }): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-pki-'))
  const f = (n: string): string => join(dir, n)
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=Mail Setup OAuth test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=oauth-bench', '-keyout', f('server.key'), '-out', f('server.csr'))
  const san = [...(sans.ips ?? []).map((ip) => `IP:${ip}`), ...(sans.names ?? []).map((n) => `DNS:${n}`)].join(',')
  writeFileSync(f('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.pem'))
  return {
    dir,
    caPem: readFileSync(f('ca.pem'), 'utf8'),
    caFile: f('ca.pem'),
    certPem: readFileSync(f('server.pem'), 'utf8'),
    keyPem: readFileSync(f('server.key'), 'utf8'),
    certFile: f('server.pem'),
    keyFile: f('server.key')
  }
}
