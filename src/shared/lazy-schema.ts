// Schemas built on first use (issue 16). Building a zod schema allocates its internals and, for
// every `.optional()`, `.max()` or `z.string()`, one more schema: the whole contract cost a
// command line tens of milliseconds at start, while a command uses a few of its schemas. A lazy
// schema is a stand-in that builds the real one the first time anything reads it (a parse, an
// `.extend()`, another schema composing it) and forwards every read to it from then on, so it is
// used exactly like the schema itself and the types inferred from it are the schema's own.
// Every schema at the top level of a module is one (test/shared/lazy-schema.test.ts checks).

let built = 0

/** How many lazy schemas have been built in this process (for tests and profiles). */
export function lazySchemasBuilt(): number {
  return built
}

export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined
  const real = (): T => {
    if (!schema) {
      schema = build()
      built++
    }
    return schema
  }
  // The target is never used for what the schema holds: every trap answers from the real schema.
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key)
      // A proxy may not report a property as fixed that its (empty) target lacks.
      return d && { ...d, configurable: true }
    },
    defineProperty: (_target, key, d) => Reflect.defineProperty(real(), key, d),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key)
  })
}
