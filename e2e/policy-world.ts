// A world whose app runs under an organisation's policy file: the file is written into the
// bench's folder and named in MAIL_SETUP_POLICY, the way a login script or a test names one
// (src/main/policy-location.ts; the system location is left alone, other runs share it).
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startWorld, type World } from './world'

export interface PolicyWorld extends World {
  policyFile: string
}

/** `policy` as JSON, or a string written as it is (a broken file). */
export async function startPolicyWorld(policy: unknown): Promise<PolicyWorld> {
  let policyFile = ''
  const world = await startWorld(process.env.MAIL_SETUP_E2E_RENDERER!, {}, async (_world, bench) => {
    policyFile = join(bench.dir, 'policy.json')
    await writeFile(policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2))
    return { MAIL_SETUP_POLICY: policyFile }
  })
  return Object.assign(world, { policyFile })
}

export const SUPPORT = {
  name: 'Contoso IT helpdesk',
  email: 'help@contoso.example',
  phone: '+1 555 0100',
  url: 'https://help.contoso.example/mail'
}

/**
 * Contoso's policy: contoso.example's servers locked, IMAP only, encryption required, some formats
 * hidden, a default format, passwords not kept, and whom to ask. The bench's own domain is not
 * locked, so the wizard finds Dovecot there.
 */
export const CONTOSO = {
  version: 1,
  organisation: { name: 'Contoso', support: SUPPORT },
  defaults: { exportFormat: 'thunderbird-autoconfig', storePassword: false },
  lockedServers: [
    {
      domains: ['contoso.example'],
      incoming: { protocol: 'imap', host: 'mail.contoso.example', port: 993, security: 'tls', username: 'local' },
      outgoing: { protocol: 'smtp', host: 'smtp.contoso.example', port: 465, security: 'tls' }
    }
  ],
  protocols: { incoming: ['imap'] },
  security: { allowed: ['tls', 'starttls'] },
  exports: { hidden: ['outlook-prf', 'k9s', 'mutt'] },
  oauth: { issuers: { 'login.contoso.example': { clientId: 'contoso-mail-setup' } } }
}

/**
 * A file with two mistakes, a misspelt key and a hidden format that does not exist, beside rules
 * that are fine on their own (contoso.example locked, IMAP only): none of them may apply.
 */
export const BROKEN = {
  organisation: { name: 'Contoso' },
  protocols: { incoming: ['imap'] },
  exports: { hidden: ['no-such-format'] },
  lockedServer: [],
  lockedServers: [
    {
      domains: ['contoso.example'],
      incoming: { protocol: 'imap', host: 'mail.contoso.example', port: 993, security: 'tls' },
      outgoing: { protocol: 'smtp', host: 'mail.contoso.example', port: 465, security: 'tls' }
    }
  ]
}
