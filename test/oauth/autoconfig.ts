// An autoconfig file as an ISP publishes it for OAuth2: servers that take OAuth2 and the
// issuer in its oAuth2 element. Shared by the service, CLI and wizard tests.
export function oauthAutoconfig(opts: {
  domain: string
  displayName: string
  mailHost: string
  issuer: string
  scope: string
  servers: Array<['imap' | 'pop3' | 'smtp', number]>
}): string {
  const server = (type: string, port: number): string => {
    const kind = type === 'smtp' ? 'outgoing' : 'incoming'
    return `    <${kind}Server type="${type}">
      <hostname>${opts.mailHost}</hostname>
      <port>${port}</port>
      <socketType>SSL</socketType>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </${kind}Server>`
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${opts.domain}">
    <domain>${opts.domain}</domain>
    <displayName>${opts.displayName}</displayName>
${opts.servers.map(([type, port]) => server(type, port)).join('\n')}
  </emailProvider>
  <oAuth2>
    <issuer>${opts.issuer}</issuer>
    <scope>${opts.scope}</scope>
  </oAuth2>
</clientConfig>
`
}
