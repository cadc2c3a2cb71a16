// A file's path, read left to right in every language and broken only after a separator ('/' or
// '\'): a path is one unit of reading, and a line that ends in the middle of a folder's name
// (or at a hyphen inside it) reads as two different paths.
import { Fragment } from 'react'

/** The path's parts, each ending in its separator: "/etc/mail-setup/policy.json" → "/", "etc/", … */
export function pathParts(path: string): string[] {
  return path.match(/[^/\\]*(?:[/\\]+|$)/g)?.filter(Boolean) ?? [path]
}

export function FilePath({ path }: { path: string }): React.JSX.Element {
  return (
    <bdi dir="ltr" className="file-path">
      {pathParts(path).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          <span className="path-part">{part}</span>
        </Fragment>
      ))}
    </bdi>
  )
}
