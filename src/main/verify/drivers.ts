import type { ServerSettings } from '../../shared/domain'
import type { HostException } from '../../shared/verify'
import { imapDriver } from './imap'
import { pop3Driver } from './pop3'
import type { Driver } from './session'
import { smtpDriver } from './smtp'

export function driverFor(settings: ServerSettings): Driver {
  return settings.protocol === 'imap' ? imapDriver : settings.protocol === 'pop3' ? pop3Driver : smtpDriver
}

/** The user's exception for exactly this host and port, if any. */
export function exceptionFor(exceptions: HostException[], s: ServerSettings): HostException | undefined {
  return exceptions.find((e) => e.host.toLowerCase() === s.host.toLowerCase() && e.port === s.port)
}
