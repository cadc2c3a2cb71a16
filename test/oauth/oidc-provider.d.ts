// oidc-provider ships no types; the bench uses a small part of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    proxy: boolean
    on(event: string, listener: (...args: unknown[]) => void): this
    AccessToken: { revokeByGrantId(grantId: string): Promise<void> }
    RefreshToken: { revokeByGrantId(grantId: string): Promise<void> }
    Grant: { adapter: { destroy(id: string): Promise<void> } }
  }
}
