// Operation and event names without their schemas, so the renderer and preload can list
// them without bundling zod. `api.ts` checks at compile time that these match the contract.
export const OPERATION_NAMES = [
  'appInfo',
  'policySummary',
  'discover',
  'plan',
  'prepare',
  'cancel',
  'verify',
  'discoverVerify',
  'roundTrip',
  'saveAccount',
  'listAccounts',
  'removeAccount',
  'listFormats',
  'exportProfile',
  'detectClients',
  'applyToClient',
  'saveExport',
  'diagnosticReport',
  'checkDomain',
  'bulkAppend',
  'bulkOpen',
  'bulkStart',
  'bulkReport',
  'oauthAvailability',
  'oauthBegin',
  'oauthComplete',
  'openExternal'
] as const

export const EVENT_NAMES = ['discovery', 'verify', 'roundTrip', 'oauth', 'domain', 'bulk'] as const
