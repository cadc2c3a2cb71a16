// Policy files for the tests: each written into its own numbered file in a throwaway folder.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A folder for one test file's policies; `write` puts JSON (or a string, as it is) in a new file. */
export function policyFolder(prefix: string): { dir: string; write(content: unknown): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  let n = 0
  return {
    dir,
    write(content) {
      const file = join(dir, `policy-${++n}.json`)
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
      return file
    }
  }
}

/** The organisation the policy tests name, with every way to reach its support. */
export const CONTOSO_ORG = {
  name: 'Contoso',
  support: {
    name: 'IT helpdesk',
    email: 'help@contoso.example',
    phone: '+1 555 0100',
    url: 'https://help.contoso.example/mail'
  }
}
