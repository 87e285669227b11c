// State of `lbctl dash`: the top reducer's state plus what a wall screen charts over time (request
// rate per backend). Pure; the blessed screen renders views of it (dash-view.ts).
import type {LbEvent} from '../../observe/events.js'
import {formatEventLine} from '../../observe/events.js'
import {initialTopState, topReducer, visibleRows, type TopState} from '../state/top-state.js'
import {advertAge} from '../top/vrrp-panel.js'
import {rogueVridsOf, splitBrains, vrrpPanelRows} from '../state/vrrp-panel.js'
import {splitBrainText} from '../../observe/show-vrrp.js'

/** Points kept per backend: two minutes at the default 1 s refresh. */
export const HISTORY = 120

export interface RateSeries {
  /** `lb1/app` with several nodes, `app` with one. */
  title: string
  /** Poll times (epoch ms) and the backend's request rate then (session rate for mode tcp). */
  at: number[]
  value: number[]
}

export interface DashState {
  top: TopState
  series: Record<string, RateSeries>
}

export function initialDashState(options: {nodes: string[]; now: number; expectedVrids?: number[]}): DashState {
  return {top: initialTopState({...options, maxEvents: 500}), series: {}}
}

export function dashReducer(state: DashState, action: {type: 'event'; event: LbEvent} | {type: 'tick'; now: number}): DashState {
  const top = topReducer(state.top, action)
  if (action.type !== 'event' || action.event.kind !== 'stats') return {top, series: state.series}
  const event = action.event
  const multiNode = state.top.nodes.length > 1
  const series = {...state.series}
  for (const row of event.snapshot.rows) {
    if (row.type !== 'backend') continue
    const key = `${event.node}/${row.proxy}`
    const old = series[key] ?? {title: multiNode ? key : row.proxy, at: [], value: []}
    // HAProxy fills req_rate for mode http only; a tcp backend charts its session rate.
    const value = row.reqRate ?? row.rate ?? 0
    series[key] = {title: old.title, at: [...old.at, event.at].slice(-HISTORY), value: [...old.value, value].slice(-HISTORY)}
  }
  return {top, series}
}

/** blessed-contrib line chart data: one line per backend over the same time axis (mm:ss). */
export function rateChart(state: DashState): {title: string; x: string[]; y: number[]}[] {
  return Object.values(state.series).map((s) => ({
    title: s.title,
    x: s.at.map((at) => {
      const d = new Date(at)
      return `${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`
    }),
    y: s.value,
  }))
}

/** Bar chart: current sessions of each server (name, or node/name with several nodes). */
export function sessionBars(state: DashState): {titles: string[]; data: number[]} {
  const servers = visibleRows(state.top).filter((r) => r.row.type === 'server')
  const multiNode = state.top.nodes.length > 1
  return {titles: servers.map((r) => (multiNode ? `${r.node}/${r.row.name}` : r.row.name)), data: servers.map((r) => r.row.scur ?? 0)}
}

/**
 * Servers table rows: name, status, check, weight, sessions. `narrow` (half of an 80-column screen) drops the
 * weight and writes the check as `L7OK/200 1ms`, so what an operator needs most fits: server, status, check, sessions.
 */
export function serverTable(state: DashState, options: {narrow?: boolean} = {}): {headers: string[]; data: string[][]} {
  const servers = visibleRows(state.top).filter((r) => r.row.type === 'server')
  const multiNode = state.top.nodes.length > 1
  const narrow = options.narrow ?? false
  return {
    headers: narrow ? ['SERVER', 'STATUS', 'CHECK', 'CUR'] : ['SERVER', 'STATUS', 'CHECK', 'WGT', 'CUR'],
    data: servers.map((r) => {
      const check = r.row.checkText.replace(/^\* /, '')
      return [
        multiNode ? `${r.node}/${r.row.proxy}/${r.row.name}` : `${r.row.proxy}/${r.row.name}`,
        r.row.status.raw,
        narrow ? check.replace(/ in (\d+ms)$/, ' $1') : check,
        ...(narrow ? [] : [r.row.weight === undefined ? '-' : String(r.row.weight)]),
        r.row.scur === undefined ? '-' : String(r.row.scur),
      ]
    }),
  }
}

/** VRRP role table: one row per node instance and per sender heard on the wire. */
export function vrrpTable(state: DashState): {headers: string[]; data: string[][]} {
  return {
    headers: ['NODE', 'INST', 'VRID', 'ROLE', 'PRIO', 'AGE', 'MASTER', 'VIPS'],
    data: vrrpPanelRows(state.top).map((r) => [
      r.node,
      r.instance,
      r.vrid === null ? '-' : `${r.vrid}${r.rogue ? '!' : ''}`,
      r.role,
      r.effectivePriority === null ? '-' : String(r.effectivePriority),
      advertAge(r.lastAdvertMsAgo),
      r.master || '-',
      r.vips.join(' '),
    ]),
  }
}

/** Warning lines: split brains and rogue VRIDs (empty when all is well). */
export function warnings(state: DashState): string[] {
  const rogue = rogueVridsOf(state.top)
  return [...splitBrains(state.top).map((s) => `SPLIT BRAIN: ${splitBrainText(s)}`), ...(rogue.length > 0 ? [`ROGUE VRID on the wire: ${rogue.join(', ')}`] : [])]
}

/** The newest `count` event lines, oldest first. */
export function eventLines(state: DashState, count: number): string[] {
  return state.top.live.events.slice(-count).map(formatEventLine)
}
