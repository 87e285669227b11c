import {Box, Text} from 'ink'
import type {CellState} from '../state/timeline.js'
import {cellGlyph} from './colors.js'

export interface TimelineEntry {
  key: string
  label: string
  cells: (CellState | undefined)[]
  flaps: number
}

export interface FlapTimelineProps {
  entries: TimelineEntry[]
  labelWidth: number
  /** What the row spans, e.g. `5m`. */
  span: string
}

/** One row per server: a cell per time bucket (oldest left), then the count of UP→DOWN transitions. */
export function FlapTimeline({entries, labelWidth, span}: FlapTimelineProps) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {`  HEALTH, last ${span}`.padEnd(labelWidth + 2)} <Text dimColor>█ up ▁ down ▄▃ checking M maint D drain</Text>
      </Text>
      {entries.map((e) => (
        <Text key={e.key} wrap="truncate">
          {'  '}
          {e.label.length > labelWidth ? e.label.slice(0, labelWidth - 1) + '…' : e.label.padEnd(labelWidth)}{' '}
          {e.cells.map((c, i) =>
            c === undefined ? (
              <Text key={i} dimColor>
                ·
              </Text>
            ) : (
              <Text key={i} color={cellGlyph[c].color}>
                {cellGlyph[c].glyph}
              </Text>
            ),
          )}
          <Text color={e.flaps > 0 ? 'yellow' : undefined} dimColor={e.flaps === 0}>
            {` ${e.flaps} flap${e.flaps === 1 ? '' : 's'}`}
          </Text>
        </Text>
      ))}
    </Box>
  )
}
