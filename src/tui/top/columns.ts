// Columns of the stats table: title, width, how a row prints, and which ones to drop first on a narrow terminal.
// Pure text, shared by the Ink screen and the plain `--once` output.
import type {StatRow} from '../../observe/stat-csv.js'
import type {SortColumn, TableRow} from '../state/top-state.js'

export function humanBytes(n: number | undefined): string {
  if (n === undefined) return ''
  const units = ['', 'K', 'M', 'G', 'T', 'P']
  let value = n
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? String(n) : `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[unit]}`
}

/** HAProxy's stats page style: `5s`, `3m12s`, `2h3m`, `4d2h`. */
export function humanDuration(seconds: number | undefined): string {
  if (seconds === undefined) return ''
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`
}

export function rowLabel(row: StatRow): string {
  if (row.type === 'frontend') return `${row.proxy}`
  if (row.type === 'backend') return `${row.proxy}`
  return `  ${row.name}`
}

export interface Column {
  id: string
  title: string
  width: number
  align: 'left' | 'right'
  /** Lower is dropped later; 0 never. */
  dropOrder: number
  sort?: SortColumn
  value: (r: TableRow) => string
}

const v = (n: number | undefined) => (n === undefined ? '' : String(n))

export const allColumns: Column[] = [
  {id: 'node', title: 'NODE', width: 8, align: 'left', dropOrder: 0, value: (r) => r.node},
  {id: 'name', title: 'NAME', width: 16, align: 'left', dropOrder: 0, sort: 'name', value: (r) => rowLabel(r.row)},
  {id: 'status', title: 'STATUS', width: 10, align: 'left', dropOrder: 0, sort: 'status', value: (r) => r.row.status.raw},
  {id: 'weight', title: 'WGT', width: 4, align: 'right', dropOrder: 3, sort: 'weight', value: (r) => v(r.row.weight)},
  {id: 'scur', title: 'CUR', width: 5, align: 'right', dropOrder: 0, sort: 'scur', value: (r) => v(r.row.scur)},
  {id: 'smax', title: 'MAX', width: 5, align: 'right', dropOrder: 6, value: (r) => v(r.row.smax)},
  {id: 'rate', title: 'RATE', width: 5, align: 'right', dropOrder: 2, sort: 'rate', value: (r) => v(r.row.rate)},
  {id: 'reqRate', title: 'REQ/S', width: 5, align: 'right', dropOrder: 4, sort: 'reqRate', value: (r) => v(r.row.reqRate)},
  {id: 'bin', title: 'IN', width: 6, align: 'right', dropOrder: 7, sort: 'bin', value: (r) => humanBytes(r.row.bin)},
  {id: 'bout', title: 'OUT', width: 6, align: 'right', dropOrder: 7, value: (r) => humanBytes(r.row.bout)},
  {id: 'check', title: 'LAST CHECK', width: 17, align: 'left', dropOrder: 1, value: (r) => r.row.checkText},
  {id: 'lastchg', title: 'CHANGE', width: 6, align: 'right', dropOrder: 2, sort: 'lastchg', value: (r) => (r.row.type === 'frontend' ? '' : humanDuration(r.row.lastchg))},
  {id: 'downtime', title: 'DOWNT', width: 6, align: 'right', dropOrder: 5, value: (r) => humanDuration(r.row.downtime)},
  {id: 'qcur', title: 'Q', width: 3, align: 'right', dropOrder: 3, value: (r) => v(r.row.qcur)},
  {id: 'flaps', title: 'FLAP', width: 4, align: 'right', dropOrder: 4, sort: 'flaps', value: (r) => (r.row.type === 'server' ? String(r.flaps) : '')},
]

/** The columns that fit in `width` characters (one space between columns), dropping the least useful first. */
export function fitColumns(width: number, options: {multiNode: boolean}): Column[] {
  let columns = allColumns.filter((c) => c.id !== 'node' || options.multiNode)
  const total = (cs: Column[]) => cs.reduce((sum, c) => sum + c.width + 1, 0)
  const droppable = [...columns].filter((c) => c.dropOrder > 0).sort((a, b) => b.dropOrder - a.dropOrder)
  for (const c of droppable) {
    if (total(columns) <= width) break
    columns = columns.filter((x) => x !== c)
  }
  return columns
}

export function cell(text: string, column: Column): string {
  const clipped = text.length > column.width ? text.slice(0, column.width - 1) + '…' : text
  return column.align === 'right' ? clipped.padStart(column.width) : clipped.padEnd(column.width)
}

/** Plain text table (no colour), for `lbctl top --once` without --json. */
export function renderPlainTable(rows: TableRow[], width: number, options: {multiNode: boolean}): string {
  const columns = fitColumns(width, options)
  const lines = [columns.map((c) => cell(c.title, c)).join(' ').trimEnd()]
  for (const r of rows) lines.push(columns.map((c) => cell(c.value(r), c)).join(' ').trimEnd())
  return lines.join('\n')
}
