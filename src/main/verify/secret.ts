// The secret a probe signs in with; resolved in main, never from the renderer twice.
export type Secret =
  { kind: 'password'; password: string } | { kind: 'oauth2'; accessToken: () => Promise<string> } | { kind: 'none' }
