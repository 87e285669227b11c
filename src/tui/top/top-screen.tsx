import {Box, Text} from 'ink'
import {clockTime, serverKey} from '../../observe/events.js'
import {cellsUntil} from '../state/timeline.js'
import {selectedRow, shown, visibleRows, type TopState} from '../state/top-state.js'
import {rogueVridsOf, splitBrains, vrrpPanelRows} from '../state/vrrp-panel.js'
import {fitColumns, humanDuration} from './columns.js'
import {EventLog} from './event-log.js'
import {FlapTimeline, type TimelineEntry} from './flap-timeline.js'
import {HelpPanel} from './help-panel.js'
import {StatsTable} from './stats-table.js'
import {RogueBanner, SplitBrainBanner, VrrpPanel, vrrpPanelHeight} from './vrrp-panel.js'

const LABEL_WIDTH = 16
const FLAP_SUFFIX = 9

/** How the terminal's lines are shared: header, table, timeline, events, footer. */
export function layout(rows: number, servers: number): {table: number; timeline: number; events: number} {
  const fixed = 5 // header, table title, timeline title, events title, footer
  const free = Math.max(3, rows - fixed)
  const events = Math.max(2, Math.floor(free * 0.25))
  const timeline = Math.min(servers, Math.max(1, Math.floor(free * 0.25)))
  return {table: Math.max(1, free - events - timeline), timeline, events}
}

function Header({state}: {state: TopState}) {
  const data = shown(state)
  return (
    <Text wrap="truncate">
      <Text bold>lbctl top</Text>
      {state.nodes.map((n) => (
        <Text key={n.name}>
          {'  '}
          <Text color={n.reachable ? 'green' : 'red'}>{n.reachable ? '●' : '○'}</Text> {n.name}
          {n.reachable ? <Text dimColor>{n.version ? ` ${n.version.split('-')[0]}` : ''}{n.uptimeSec !== undefined ? ` up ${humanDuration(n.uptimeSec)}` : ''}</Text> : <Text color="red"> unreachable{reconnecting(n.error)}</Text>}
        </Text>
      ))}
      {'  '}
      <Text dimColor>{clockTime(data.now).slice(0, 8)}</Text>
      {state.paused ? <Text color="yellow" bold>{'  PAUSED'}</Text> : null}
      {state.filter && !state.prompt ? <Text color="cyan">{`  filter: ${state.filter}`}</Text> : null}
    </Text>
  )
}

function Footer({state}: {state: TopState}) {
  if (state.prompt) {
    const label = state.prompt.kind === 'filter' ? '/' : `weight of ${selectedRow(state)?.row.name ?? '?'} (0-256 or N%): `
    return (
      <Text wrap="truncate">
        <Text color="cyan">{label}</Text>
        {state.prompt.text}
        <Text inverse> </Text>
      </Text>
    )
  }
  if (state.message) {
    return (
      <Text color={state.message.level === 'error' ? 'red' : 'green'} wrap="truncate">
        {state.message.text}
      </Text>
    )
  }
  return (
    <Text dimColor wrap="truncate">
      ? help  q quit  j/k move  s sort  / filter  e/d/D enable/disable/drain  w weight  space pause
    </Text>
  )
}

/** The whole `lbctl top` screen for a state: presentational, sized by state.size. */
export function TopScreen({state}: {state: TopState}) {
  const data = shown(state)
  const rows = visibleRows(state)
  const servers = rows.filter((r) => r.row.type === 'server')
  const vrrpRows = vrrpPanelRows(state)
  const splits = splitBrains(state)
  const rogues = rogueVridsOf(state)
  // Only sniffing (no stats socket): no stats table nor timeline; the VRRP panel and the events share the screen.
  const wireOnly = state.nodes.length === 0
  const banners = splits.length + (rogues.length > 0 ? 1 : 0)
  const vrrpMax = wireOnly ? Math.max(1, Math.floor((state.size.rows - banners - 6) / 2)) : Math.max(2, Math.floor(state.size.rows / 5))
  const vrrpHeight = wireOnly ? Math.min(vrrpMax, Math.max(1, vrrpRows.length)) + 2 : vrrpPanelHeight(vrrpRows.length, vrrpMax)
  const split = layout(state.size.rows - vrrpHeight - banners, servers.length)
  const columns = fitColumns(state.size.columns - 2, {multiNode: state.nodes.length > 1})
  const selected = selectedRow(state)
  const cellCount = Math.max(5, Math.min(state.timeline.buckets, state.size.columns - LABEL_WIDTH - FLAP_SUFFIX - 4))
  const spanSeconds = (cellCount * state.timeline.bucketMs) / 1000
  // Timeline rows follow the selection so the selected server's history is always on screen.
  const selectedServer = Math.max(0, servers.findIndex((r) => r.key === selected?.key))
  const firstServer = Math.min(Math.max(0, selectedServer - split.timeline + 1), Math.max(0, servers.length - split.timeline))
  const entries: TimelineEntry[] = servers.slice(firstServer, firstServer + split.timeline).map((r) => {
    const key = serverKey(r.node, r.row.proxy, r.row.name)
    return {
      key,
      label: state.nodes.length > 1 ? `${r.node}/${r.row.proxy}/${r.row.name}` : `${r.row.proxy}/${r.row.name}`,
      cells: cellsUntil(data.timeline[key] ?? [], data.now, cellCount, state.timeline),
      flaps: r.flaps,
    }
  })
  return (
    <Box flexDirection="column" width={state.size.columns}>
      <Header state={state} />
      <SplitBrainBanner splits={splits} />
      <RogueBanner vrids={rogues} />
      {wireOnly && !state.help ? null : state.help ? (
        <Box height={split.table + split.timeline + 2} flexDirection="column">
          <HelpPanel />
        </Box>
      ) : (
        <>
          <Box height={split.table + 1} flexDirection="column">
            <StatsTable rows={rows} columns={columns} selectedKey={selected?.key} height={split.table} sortColumn={state.sort.column} descending={state.sort.descending} />
          </Box>
          <Box height={split.timeline + 1} flexDirection="column">
            <FlapTimeline entries={entries} labelWidth={LABEL_WIDTH} span={humanDuration(spanSeconds)} />
          </Box>
        </>
      )}
      {vrrpHeight > 0 ? (
        <Box height={vrrpHeight} flexDirection="column">
          <VrrpPanel rows={vrrpRows} height={vrrpHeight - 2} multiNode={state.nodes.length > 1} />
        </Box>
      ) : null}
      <Box height={(wireOnly ? state.size.rows - vrrpHeight - banners - 3 : split.events) + 1} flexDirection="column">
        <EventLog events={data.events} height={wireOnly ? state.size.rows - vrrpHeight - banners - 3 : split.events} />
      </Box>
      <Footer state={state} />
    </Box>
  )
}

/** `, reconnecting (attempt 2, next in 2s)` when the node's transport is retrying (top --hosts), else nothing. */
function reconnecting(error: string | undefined): string {
  const match = error?.match(/reconnecting \([^)]*\)/)
  return match ? `, ${match[0]}` : ''
}
