// The blessed-contrib screen of `lbctl dash` at any size: request rate per backend (line chart),
// sessions per server (bar chart), servers, VRRP roles and the event log. It only draws a DashState.
import blessed, {type Element, type Screen} from 'blessed'
import contrib, {type BarChart, type Grid, type LineChart, type Table} from 'blessed-contrib'
import {eventLines, rateChart, serverTable, sessionBars, vrrpTable, warnings, type DashState} from './dash-state.js'

const LINE_COLORS = ['yellow', 'cyan', 'green', 'magenta', 'red', 'blue', 'white']

/**
 * Shrinks the widest columns until the row (each column plus `spacing`) fits `width`: first those above
 * their `floor` (an IPv4 address keeps its 15 characters), then any, never below 3 characters.
 */
export function fitWidths(base: number[], width: number, spacing: number, floor: number[] = []): number[] {
  const widths = [...base]
  const total = () => widths.reduce((a, b) => a + b, 0) + spacing * widths.length
  while (total() > width) {
    const shrinkable = (min: (i: number) => number) => widths.map((w, i) => (w > min(i) ? w : -1))
    let candidates = shrinkable((i) => Math.max(3, floor[i] ?? 3))
    if (Math.max(...candidates) < 0) candidates = shrinkable(() => 3)
    const widest = candidates.indexOf(Math.max(...candidates))
    if (widest < 0 || (candidates[widest] ?? -1) < 0) break
    widths[widest] = (widths[widest] ?? 0) - 1
  }
  return widths
}

/**
 * Cuts each cell to its column's width. blessed-contrib pads a cell by the length of the text it was
 * given, so a cell it has to cut itself loses the space after it and runs into the next column.
 */
export function clipCells(table: {headers: string[]; data: string[][]}, widths: number[]): {headers: string[]; data: string[][]} {
  const clip = (row: string[]) => row.map((cell, i) => cell.slice(0, widths[i] ?? cell.length))
  return {headers: clip(table.headers), data: table.data.map(clip)}
}

/** The VRRP table: NODE, INST, VRID, ROLE, PRIO, AGE, MASTER, VIPS. */
const VRRP_WIDTHS = [15, 8, 4, 8, 4, 5, 15, 32]
// Floors also keep each header readable (a cut header loses its spacing).
const VRRP_FLOORS = [15, 4, 4, 7, 4, 5, 6, 4]

export interface DashView {
  draw(state: DashState): void
  destroy(): void
}

/** `wireOnly` (only --sniff, no stats socket): no charts nor servers, the VRRP table and the events take the screen. */
export function createDashView(options: {onQuit: () => void; title?: string; wireOnly?: boolean}): DashView {
  const screen: Screen = blessed.screen({smartCSR: true, title: options.title ?? 'lbctl dash', fullUnicode: true, warnings: false})
  const grid = new contrib.grid({rows: 12, cols: 12, screen})
  // Column widths scaled to the table's share of the screen, so rows never wrap. blessed-contrib's
  // table pads each cell to width + spacing - 1 and gives the rows its width - 3.
  // screen.width is read on each call, so after a resize these give the new sizes.
  const inner = (cols: number) => Math.floor((screen.width * cols) / 12) - 3
  const vrrpCols = options.wireOnly ? 12 : 6
  const vrrpWidths = () => fitWidths(VRRP_WIDTHS, inner(vrrpCols), 1, VRRP_FLOORS)
  const vrrpOptions = {label: ' VRRP roles ', keys: false, interactive: false, columnSpacing: 2, columnWidth: vrrpWidths(), fg: 'white'}
  const log = grid.set<Element>(options.wireOnly ? 5 : 8, 0, options.wireOnly ? 7 : 4, 12, blessed.box, {label: ' Events ', tags: false, wrap: false, style: {fg: 'white'}})
  const vrrp = options.wireOnly ? grid.set<Table>(0, 0, 5, 12, contrib.table, vrrpOptions) : grid.set<Table>(5, 6, 3, 6, contrib.table, vrrpOptions)
  const charts = options.wireOnly ? undefined : statsWidgets(grid, inner)

  screen.key(['q', 'C-c'], options.onQuit)

  let last: DashState | undefined
  const draw = (state: DashState) => {
    last = state
    if (charts) {
      const series = rateChart(state).filter((s) => s.y.length > 0)
      if (series.length > 0) charts.line.setData(series.map((s, i) => ({...s, style: {line: LINE_COLORS[i % LINE_COLORS.length]}})))
      charts.bar.setData(sessionBars(state))
      const servers = serverLayout(inner(6))
      charts.servers.options.columnWidth = servers.widths
      charts.servers.setData(clipCells(serverTable(state, {narrow: servers.narrow}), servers.widths))
    }
    vrrp.setData(clipCells(vrrpTable(state), vrrp.options.columnWidth))
    const warn = warnings(state)
    const none = state.top.nodes.length > 0 && Object.keys(state.top.live.vrrp).length === 0 && Object.keys(state.top.live.wire).length === 0
    // A label wider than its box wraps over the table: cut it to the box.
    const label = warn.length > 0 ? `VRRP roles ⚠ ${warn.join(' · ')}` : none ? 'VRRP roles: none (try --sniff IFACE)' : 'VRRP roles'
    vrrp.setLabel(` ${label.slice(0, Math.max(10, inner(vrrpCols) - 3))} `)
    vrrp.style.border = {fg: warn.length > 0 ? 'red' : 'cyan'}
    // Border and label take two lines of the box; long lines are cut, not wrapped.
    const lines = Math.max(1, (typeof log.height === 'number' ? log.height : 10) - 2)
    log.setContent(eventLines(state, lines).map((l) => l.slice(0, inner(12) + 1)).join('\n') || '(no events yet)')
    screen.render()
  }
  // The grid re-lays the boxes out by itself; the table columns are ours to re-fit before redrawing.
  screen.on('resize', () => {
    vrrp.options.columnWidth = vrrpWidths()
    if (last) draw(last)
  })
  return {draw, destroy: () => screen.destroy()}
}

// The servers table: SERVER, STATUS, CHECK, WGT, CUR as wide as they like, and the least each keeps: a
// transition status (`DOWN 1/2`), a whole check (`L7OK/200 in 12ms`), four digits of sessions.
const SERVER_WIDTHS = [16, 9, 18, 3, 4]
const SERVER_FLOORS = [12, 8, 16, 3, 4]
// Narrow (no WGT, the check as `L7OK/200 12ms`): fits the half of an 80-column screen.
const NARROW_WIDTHS = [16, 9, 14, 4]
const NARROW_FLOORS = [8, 8, 13, 4]

/** The servers table's columns in `inner` characters: all five while their floors fit, else the narrow four. */
export function serverLayout(inner: number): {narrow: boolean; widths: number[]} {
  const fits = (floors: number[]) => floors.reduce((a, b) => a + b, 0) + floors.length <= inner
  if (fits(SERVER_FLOORS)) return {narrow: false, widths: fitWidths(SERVER_WIDTHS, inner, 1, SERVER_FLOORS)}
  return {narrow: true, widths: fitWidths(NARROW_WIDTHS, inner, 1, NARROW_FLOORS)}
}

function statsWidgets(grid: Grid, inner: (cols: number) => number) {
  const line = grid.set<LineChart>(0, 0, 5, 7, contrib.line, {label: ' Request rate per backend (req/s) ', showLegend: true, legend: {width: 16}, minY: 0, wholeNumbersOnly: true, style: {line: 'yellow', text: 'green', baseline: 'white'}})
  const bar = grid.set<BarChart>(0, 7, 5, 5, contrib.bar, {label: ' Sessions per server ', barWidth: 7, barSpacing: 3, xOffset: 1, maxHeight: 10, barBgColor: 'cyan'})
  const servers = grid.set<Table>(5, 0, 3, 6, contrib.table, {label: ' Servers ', keys: false, interactive: false, columnSpacing: 2, columnWidth: serverLayout(inner(6)).widths, fg: 'white'})
  return {line, bar, servers}
}
