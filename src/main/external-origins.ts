// The origins the system browser may be sent to: every page the provider table links to, and
// the OAuth sign-in origins (shipped table, policy, issuers discovery found).
import type { Config } from './config'
import { loadProviderTable } from './discovery/builtin'
import { providerOrigins } from './discovery/provider-facts'

export async function externalOrigins(
  config: Pick<Config, 'resourcesDir'>,
  oauth: { allowedOrigins(): Promise<string[]> }
): Promise<string[]> {
  return [...providerOrigins(loadProviderTable(config.resourcesDir)), ...(await oauth.allowedOrigins())]
}
