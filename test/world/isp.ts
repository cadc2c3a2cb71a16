// The bench domain's autoconfig file (config-v1.1, as in Mozilla's ISPDB), for MAIL_SETUP_ISP_DIRS.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export function benchAutoconfig(domain: string, host: string): string {
  const server = (
    type: 'imap' | 'pop3' | 'smtp',
    port: number,
    socket: 'SSL' | 'STARTTLS',
    kind: 'incoming' | 'outgoing'
  ): string =>
    `    <${kind}Server type="${type}">
      <hostname>${host}</hostname>
      <port>${port}</port>
      <socketType>${socket}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </${kind}Server>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>Mail Setup Bench</displayName>
    <displayShortName>Bench</displayShortName>
${server('imap', 993, 'SSL', 'incoming')}
${server('pop3', 995, 'SSL', 'incoming')}
${server('smtp', 465, 'SSL', 'outgoing')}
${server('smtp', 587, 'STARTTLS', 'outgoing')}
  </emailProvider>
</clientConfig>
`
}

/** Writes <dir>/<domain>.xml and returns dir. */
export async function writeIspDir(dir: string, domain: string, host: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, `${domain}.xml`), benchAutoconfig(domain, host))
  return dir
}
