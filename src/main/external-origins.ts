// The origins the system browser may be sent to: every page the provider table links to, the
// OAuth sign-in origins (shipped table, policy, issuers discovery found), and the support page
// the organisation's policy names (shown on every error card).
import type { Config } from './config'
import { loadProviderTable } from './discovery/builtin'
import { providerOrigins } from './discovery/provider-facts'
import type { Policy } from './policy'

export async function externalOrigins(
  config: Pick<Config, 'resourcesDir'>,
  oauth: { allowedOrigins(): Promise<string[]> },
  policy?: Pick<Policy, 'rules'>
): Promise<string[]> {
  // The policy file's schema takes only https URLs here.
  const support = policy?.rules.organisation?.support?.url
  return [
    ...providerOrigins(loadProviderTable(config.resourcesDir)),
    ...(await oauth.allowedOrigins()),
    ...(support ? [new URL(support).origin] : [])
  ]
}
