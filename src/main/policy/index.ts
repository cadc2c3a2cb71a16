// The organisation's policy, read once per configuration: the one place main asks what the
// policy says. Where the file is looked for: ../policy-location.ts; its format: file.ts;
// the rules enforced on each request: rules.ts.
import type { Config } from '../config'
import { readPolicy, type Policy } from './file'

export type { Policy, PolicyFile, OAuthPolicy } from './file'
export { policyView } from './file'
export {
  allowedServers,
  checkFormat,
  checkProtocol,
  checkServers,
  allowedDiscovery,
  lockedDiscovery,
  lockedFor,
  visibleFormats
} from './rules'

const loaded = new WeakMap<object, Policy>()

export function policyOf(config: Pick<Config, 'policyFile' | 'policyManaged'>): Policy {
  let policy = loaded.get(config)
  if (!policy) {
    policy = readPolicy(
      config.policyFile ? { file: config.policyFile, managed: Boolean(config.policyManaged) } : undefined
    )
    loaded.set(config, policy)
  }
  return policy
}
