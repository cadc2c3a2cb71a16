// Lazy schemas (src/shared/lazy-schema.ts): a stand-in must behave exactly as the schema it
// builds, and nothing in the contract may be built by importing it (issue 16: start-up).
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { z } from 'zod'
import { lazySchema, lazySchemasBuilt } from '../../src/shared/lazy-schema'

const ROOT = join(import.meta.dirname, '..', '..')

describe('a lazy schema', () => {
  it('is built on first use, once', () => {
    let builds = 0
    const s = lazySchema(() => {
      builds++
      return z.string().min(2)
    })
    expect(builds).toBe(0)
    expect(s.safeParse('ab').success).toBe(true)
    expect(s.safeParse('a').success).toBe(false)
    expect(builds).toBe(1)
  })

  it('parses, fails, composes and describes itself exactly as the schema it stands for', () => {
    const make = (wrap: <T extends object>(build: () => T) => T) => {
      const Kind = wrap(() => z.enum(['imap', 'smtp']))
      const Server = wrap(() =>
        z.object({ kind: Kind, host: z.string().min(1).max(10), port: z.number().int().min(1).max(65535) })
      )
      const Event = wrap(() =>
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('server'), server: Server }),
          z.object({ kind: z.literal('none'), why: z.string().optional() })
        ])
      )
      const Named = wrap(() => Server.extend({ name: z.string() }).strict())
      return { Kind, Server, Event, Named, List: wrap(() => z.array(Server.optional()).max(2)) }
    }
    const eager = make((build) => build())
    const lazy = make(lazySchema)
    const inputs = [
      { kind: 'imap', host: 'mail.test', port: 993 },
      { kind: 'pop', host: '', port: 0.5 },
      { kind: 'server', server: { kind: 'smtp', host: 'x', port: 465 } },
      { kind: 'server', server: { kind: 'smtp', host: 'far-too-long-a-host', port: 465 } },
      { kind: 'none' },
      { kind: 'imap', host: 'a', port: 1, name: 'n' },
      { kind: 'imap', host: 'a', port: 1, name: 'n', extra: true },
      [undefined, { kind: 'imap', host: 'a', port: 1 }],
      [1, 2, 3],
      'not an object'
    ]
    for (const key of ['Kind', 'Server', 'Event', 'Named', 'List'] as const) {
      for (const input of inputs)
        expect(lazy[key].safeParse(input), `${key} ${JSON.stringify(input)}`).toEqual(eager[key].safeParse(input))
      expect(z.toJSONSchema(lazy[key])).toEqual(z.toJSONSchema(eager[key]))
    }
    expect(lazy.Server).toBeInstanceOf(z.ZodObject)
    expect(Object.keys(lazy.Server.shape)).toEqual(['kind', 'host', 'port'])
    expect(lazy.Kind.options).toEqual(['imap', 'smtp'])
    expect(() => lazy.Named.parse({ kind: 'imap', host: 'a', port: 1 })).toThrow(z.ZodError)
    expect(lazy.Server.optional().safeParse(undefined).success).toBe(true)
  })
})

describe('the contract', () => {
  it('builds no schema when its modules are imported, and only the few a request uses when it is validated', async () => {
    const before = lazySchemasBuilt()
    const files = [...walk(join(ROOT, 'src', 'shared')), ...walk(join(ROOT, 'src', 'main'))].filter((f) => usesZod(f))
    expect(files.length).toBeGreaterThan(10)
    const modules = await Promise.all(files.map((f) => import(f)))
    expect(lazySchemasBuilt() - before).toBe(0)
    const { operations } = modules[
      files.indexOf(join(ROOT, 'src', 'shared', 'api.ts'))
    ] as typeof import('../../src/shared/api')
    expect(operations.discover.request.safeParse({ runId: 'r', address: 'someone@example.com' }).success).toBe(true)
    // The discover request and what it composes (run id, address, session id, credentials).
    const used = lazySchemasBuilt() - before
    expect(used).toBeGreaterThan(0)
    expect(used).toBeLessThanOrEqual(6)
  })

  it('has every module-level zod schema in src/ built lazily', () => {
    const eager: string[] = []
    for (const file of [...walk(join(ROOT, 'src', 'shared')), ...walk(join(ROOT, 'src', 'main'))]) {
      if (!usesZod(file)) continue
      const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
      for (const st of src.statements) {
        if (!ts.isVariableStatement(st)) continue
        for (const d of st.declarationList.declarations) {
          if (d.initializer && buildsSchema(d.initializer))
            eager.push(`${relative(ROOT, file)}: ${d.name.getText(src)}`)
        }
      }
    }
    expect(eager).toEqual([])
  })
})

/** Whether evaluating `node` calls zod, other than inside a function (a lazySchema builder). */
function buildsSchema(node: ts.Node): boolean {
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) return false
  if (ts.isGetAccessorDeclaration(node)) return false
  if (ts.isCallExpression(node)) {
    let callee: ts.Expression = node.expression
    while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) callee = callee.expression
    if (ts.isIdentifier(callee) && callee.text === 'z') return true
  }
  return ts.forEachChild(node, (child) => (buildsSchema(child) ? true : undefined)) ?? false
}

function usesZod(file: string): boolean {
  return /from 'zod'/.test(readFileSync(file, 'utf8'))
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* walk(path)
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) yield path
  }
}
