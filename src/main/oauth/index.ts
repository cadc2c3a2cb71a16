// OAuth2 sign-in for native apps (RFC 8252): providers as data, PKCE, loopback redirect.
export {
  OAuthService,
  refreshTokenKey,
  type OAuthDeps,
  type OAuthState,
  type BeginRequest,
  type Begun
} from './service'
export {
  loadProviderTable,
  resolveClient,
  findProvider,
  configuredOrigins,
  type ProviderTable,
  type ClientSettings
} from './providers'
export { fetchMetadata, issuerUrl, metadataUrls } from './metadata'
export { pkcePair, s256 } from './pkce'
export { CALLBACK_PATH } from './loopback'
export { oauthAvailability, type OAuthAvailability } from './availability'
