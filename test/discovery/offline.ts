// One offline discovery run with no DNS and no trust store: what the offline-ISPDB test and
// bench both run for each of the 963 domains.
import type { Config } from '../../src/main/config'
import { discover } from '../../src/main/discovery'
import { createDns } from '../../src/main/net/dns'
import type { DiscoveryResult } from '../../src/shared/domain'

// Nothing listens on the discard port: a network source that ran by mistake fails at once.
const dns = createDns({ dnsServers: ['127.0.0.1:9'] })

export function discoverOffline(address: string, config: Config): Promise<DiscoveryResult> {
  return discover(address, {
    config,
    dns,
    ca: [],
    signal: new AbortController().signal,
    deadlineMs: 5000,
    offline: true,
    onReport: () => undefined,
    onCandidate: () => undefined
  })
}
