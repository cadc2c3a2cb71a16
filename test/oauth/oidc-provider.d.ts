// oidc-provider ships no types; the bench uses a small part of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    proxy: boolean
    on(event: string, listener: (...args: unknown[]) => void): this
    AccessToken: { find(value: string): Promise<{ destroy(): Promise<void> } | undefined> }
    RefreshToken: { find(value: string): Promise<{ destroy(): Promise<void> } | undefined> }
  }
}
