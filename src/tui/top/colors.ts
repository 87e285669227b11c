// One palette for states, shared by the table, the timeline and the event log.
import type {StatusState} from '../../observe/stat-csv.js'
import type {CellState} from '../state/timeline.js'

export function statusColor(state: StatusState, transitional: boolean): string | undefined {
  if (transitional) return 'yellow'
  switch (state) {
    case 'UP':
    case 'OPEN':
      return 'green'
    case 'DOWN':
    case 'STOP':
      return 'red'
    case 'MAINT':
      return 'blue'
    case 'DRAIN':
    case 'NOLB':
    case 'FULL':
      return 'magenta'
    default:
      return 'gray'
  }
}

/** Each state has its own glyph too, so the timeline reads without colour (NO_COLOR, screenshots). */
export const cellGlyph: Record<CellState, {glyph: string; color: string}> = {
  up: {glyph: '█', color: 'green'},
  down: {glyph: '▁', color: 'red'},
  'going-down': {glyph: '▄', color: 'yellow'},
  'going-up': {glyph: '▃', color: 'yellow'},
  maint: {glyph: 'M', color: 'blue'},
  drain: {glyph: 'D', color: 'magenta'},
  nolb: {glyph: 'N', color: 'magenta'},
  nocheck: {glyph: '─', color: 'gray'},
  unknown: {glyph: '?', color: 'gray'},
}

/** VRRP roles: MASTER holds the VIP (green), BACKUP waits (cyan), FAULT and lost nodes are red. */
export function roleColor(role: string): string {
  switch (role) {
    case 'MASTER':
      return 'green'
    case 'BACKUP':
      return 'cyan'
    case 'FAULT':
    case 'UNREACHABLE':
      return 'red'
    case 'RESIGNED':
      return 'yellow'
    default:
      return 'gray'
  }
}
