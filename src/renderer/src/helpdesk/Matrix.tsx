import type { ReactNode } from 'react'

/** A helpdesk table: a caption, column headers, and rows that scroll sideways inside it when narrow. */
export function Matrix(props: {
  className: string
  caption: string
  columns: string[]
  children: ReactNode
}): React.JSX.Element {
  return (
    <div className="matrix-wrap">
      <table className={`matrix ${props.className}`}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  )
}
