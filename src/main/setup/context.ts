// What the setup session and the other operations share within one door: the services, the
// event sink, the cancellable runs, the OAuth service (loaded on first use) and how a request's
// credentials become the secret a probe signs in with.
import type { EventName, EventPayload } from '../../shared/api'
import type { Credentials } from '../../shared/verify'
import type { Services } from '../services'
import type { OAuthService } from '../oauth'
import type { Secret } from '../verify'
import { Runs } from '../runs'
import { fail } from '../errors'
import { withSecretScope } from '../redact'

export type Emit = <K extends EventName>(event: K, payload: EventPayload<K>) => void

export class SetupContext {
  readonly runs = new Runs()
  private oauthService?: Promise<OAuthService>

  constructor(
    readonly services: Services,
    readonly emit: Emit,
    private readonly options: { scopeSecrets: boolean } = { scopeSecrets: true }
  ) {}

  oauth(): Promise<OAuthService> {
    const { config, dns, credentials } = this.services
    return (this.oauthService ??= import('../oauth').then(
      ({ OAuthService }) =>
        new OAuthService({ config, dns, ca: this.services.ca, credentials, lockDir: config.userDataDir })
    ))
  }

  /**
   * Runs `fn` under `runId` (cancel({runId}) aborts it). In the doors that run many operations,
   * what it registers for redaction is forgotten after it. The CLI's process ends with its one
   * command, and the scope's AsyncLocalStorage turns on promise hooks for the rest of the
   * process on Node 20 (a local `verify` measured 245 → 225 and 316 → 270 ms of CPU without it).
   */
  async withRun<T>(runId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.runs.start(runId)
    try {
      return await (this.options.scopeSecrets ? withSecretScope(() => fn(signal)) : fn(signal))
    } finally {
      this.runs.end(runId, signal)
    }
  }

  async secretFor(address: string, credentials: Credentials): Promise<Secret> {
    const { secrets } = this.services
    switch (credentials.kind) {
      case 'password':
        secrets.setPassword(address, credentials.password)
        return { kind: 'password', password: credentials.password }
      case 'session': {
        const password = secrets.getPassword(address)
        if (!password) fail('auth-failed', { detail: 'no password given in this session' })
        return { kind: 'password', password }
      }
      case 'oauth2':
        // Refreshed when needed; oauth-required when this address has no sign-in.
        return (await this.oauth()).secret(credentials.sessionId, address)
      case 'none':
        return { kind: 'none' }
    }
  }

  /** The password Autodiscover may use, when the caller gave one (or one was given this session). */
  discoveryPassword(address: string, credentials: Credentials | undefined): string | undefined {
    const { secrets } = this.services
    if (credentials?.kind === 'password') {
      secrets.setPassword(address, credentials.password)
      return credentials.password
    }
    return credentials?.kind === 'session' ? secrets.getPassword(address) : undefined
  }
}
