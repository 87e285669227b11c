// The blessed-contrib screen of `lbctl dash` at any size: request rate per backend (line chart),
// sessions per server (bar chart), servers, VRRP roles and the event log. It only draws a DashState.
import blessed, {type Element, type Screen} from 'blessed'
import contrib, {type BarChart, type LineChart, type Table} from 'blessed-contrib'
import {eventLines, rateChart, serverTable, sessionBars, vrrpTable, warnings, type DashState} from './dash-state.js'

const LINE_COLORS = ['yellow', 'cyan', 'green', 'magenta', 'red', 'blue', 'white']

/** Shrinks the widest columns until the row (each column plus `spacing`) fits `width`; never below 3 characters. */
export function fitWidths(base: number[], width: number, spacing: number): number[] {
  const widths = [...base]
  const total = () => widths.reduce((a, b) => a + b, 0) + spacing * widths.length
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths))
    if ((widths[widest] ?? 0) <= 3) break
    widths[widest] = (widths[widest] ?? 0) - 1
  }
  return widths
}

export interface DashView {
  draw(state: DashState): void
  destroy(): void
}

export function createDashView(options: {onQuit: () => void; title?: string}): DashView {
  const screen: Screen = blessed.screen({smartCSR: true, title: options.title ?? 'lbctl dash', fullUnicode: true, warnings: false})
  const grid = new contrib.grid({rows: 12, cols: 12, screen})
  const line = grid.set<LineChart>(0, 0, 5, 7, contrib.line, {label: ' Request rate per backend (req/s) ', showLegend: true, legend: {width: 16}, minY: 0, wholeNumbersOnly: true, style: {line: 'yellow', text: 'green', baseline: 'white'}})
  const bar = grid.set<BarChart>(0, 7, 5, 5, contrib.bar, {label: ' Sessions per server ', barWidth: 7, barSpacing: 3, xOffset: 1, maxHeight: 10, barBgColor: 'cyan'})
  // Column widths scaled to the table's share of the screen, so rows never wrap. blessed-contrib's
  // table pads each cell to width + spacing - 1 and gives the rows its width - 3.
  const inner = (cols: number) => Math.floor((screen.width * cols) / 12) - 3
  const servers = grid.set<Table>(5, 0, 3, 6, contrib.table, {label: ' Servers ', keys: false, interactive: false, columnSpacing: 2, columnWidth: fitWidths([16, 9, 18, 3, 4], inner(6), 1), fg: 'white'})
  const vrrp = grid.set<Table>(5, 6, 3, 6, contrib.table, {label: ' VRRP roles ', keys: false, interactive: false, columnSpacing: 2, columnWidth: fitWidths([12, 8, 4, 8, 4, 5, 12, 14], inner(6), 1), fg: 'white'})
  const log = grid.set<Element>(8, 0, 4, 12, blessed.box, {label: ' Events ', tags: false, style: {fg: 'white'}})

  screen.key(['q', 'C-c'], options.onQuit)

  let last: DashState | undefined
  const draw = (state: DashState) => {
    last = state
    const series = rateChart(state).filter((s) => s.y.length > 0)
    if (series.length > 0) line.setData(series.map((s, i) => ({...s, style: {line: LINE_COLORS[i % LINE_COLORS.length]}})))
    bar.setData(sessionBars(state))
    servers.setData(serverTable(state))
    vrrp.setData(vrrpTable(state))
    const warn = warnings(state)
    const none = state.top.nodes.length > 0 && Object.keys(state.top.live.vrrp).length === 0 && Object.keys(state.top.live.wire).length === 0
    // A label wider than its box wraps over the table: cut it to the box.
    const label = warn.length > 0 ? `VRRP roles ⚠ ${warn.join(' · ')}` : none ? 'VRRP roles: none (try --sniff IFACE)' : 'VRRP roles'
    vrrp.setLabel(` ${label.slice(0, Math.max(10, inner(6) - 3))} `)
    vrrp.style.border = {fg: warn.length > 0 ? 'red' : 'cyan'}
    // Border and label take two lines of the box.
    const lines = Math.max(1, (typeof log.height === 'number' ? log.height : 10) - 2)
    log.setContent(eventLines(state, lines).join('\n') || '(no events yet)')
    screen.render()
  }
  screen.on('resize', () => {
    if (last) draw(last)
  })
  return {draw, destroy: () => screen.destroy()}
}
