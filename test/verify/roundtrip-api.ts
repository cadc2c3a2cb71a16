// The round trip as the wizard asks for it: through the API's own dispatch (request validation,
// the policy, redaction on the way out), in an app that is offline on the test world's DNS and
// trust, with a user-data folder of its own. Its own module: the services are heavy to import.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { createHandlers, dispatch } from '../../src/main/api/handlers'
import { loadConfig } from '../../src/main/config'
import { createServices } from '../../src/main/services'
import type { Result } from '../../src/shared/api'
import type { ServerSettings } from '../../src/shared/domain'
import type { RoundTripResult } from '../../src/shared/verify'
import { PASSWORD, USER, type World } from './helpers'

/** USER's round trip with PASSWORD; `env` adds to the app's environment (a policy file). */
export async function roundTripViaApi(
  w: World,
  req: { runId: string; incoming: ServerSettings; outgoing: ServerSettings },
  env: Record<string, string> = {}
): Promise<Result<RoundTripResult>> {
  const config = loadConfig(
    { MAIL_SETUP_USER_DATA: mkdtempSync(join(w.dir, 'data-')), MAIL_SETUP_OFFLINE: '1', ...env },
    { dnsServers: [w.dns.server], extraCaPem: [w.trust.at(-1)!] }
  )
  const handlers = createHandlers(createServices(config), { door: 'browser', version: 'test', emit: () => undefined })
  return (await dispatch(handlers, 'roundTrip', {
    ...req,
    address: USER,
    credentials: { kind: 'password', password: PASSWORD },
    exceptions: []
  })) as Result<RoundTripResult>
}
