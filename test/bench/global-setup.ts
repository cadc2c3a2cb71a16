// Placeholder until the bench lands: starts nothing.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => undefined
}
