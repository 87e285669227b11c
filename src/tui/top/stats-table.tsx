import {Box, Text} from 'ink'
import type {TableRow} from '../state/top-state.js'
import {statusColor} from './colors.js'
import {cell, type Column} from './columns.js'

export interface StatsTableProps {
  rows: TableRow[]
  columns: Column[]
  selectedKey: string | undefined
  /** Lines for the rows (the title line is extra). */
  height: number
  sortColumn: string
  descending: boolean
}

/** The window of rows to show so the selected one stays visible. */
export function scrollWindow(count: number, selected: number, height: number): {start: number; end: number} {
  if (count <= height) return {start: 0, end: count}
  const start = Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height)
  return {start, end: start + height}
}

/** Frontends, backends and servers; the selected row is marked with › and shown inverse. */
export function StatsTable({rows, columns, selectedKey, height, sortColumn, descending}: StatsTableProps) {
  const selected = Math.max(0, rows.findIndex((r) => r.key === selectedKey))
  const {start, end} = scrollWindow(rows.length, selected, Math.max(1, height))
  const title = columns
    .map((c) => {
      const arrow = c.sort === sortColumn ? (descending ? '↓' : '↑') : ''
      return cell(c.title + arrow, c)
    })
    .join(' ')
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {'  '}
        {title}
      </Text>
      {rows.length === 0 ? <Text dimColor>  (no rows yet)</Text> : null}
      {rows.slice(start, end).map((r, i) => {
        const isSelected = start + i === selected
        return (
          <Text key={r.key} inverse={isSelected} wrap="truncate" bold={r.row.type !== 'server'}>
            {isSelected ? '› ' : '  '}
            {columns.map((c, ci) => {
              const text = cell(c.value(r), c) + (ci < columns.length - 1 ? ' ' : '')
              if (c.id !== 'status') return text
              return (
                <Text key={c.id} color={statusColor(r.row.status.state, r.row.status.transition !== undefined)}>
                  {text}
                </Text>
              )
            })}
          </Text>
        )
      })}
    </Box>
  )
}
