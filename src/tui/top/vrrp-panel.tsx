import {Box, Text} from 'ink'
import type {SplitBrain} from '../../observe/show-vrrp.js'
import {splitBrainText} from '../../observe/show-vrrp.js'
import type {VrrpPanelRow} from '../state/vrrp-panel.js'
import {roleColor} from './colors.js'

/** `0.4s` under 10 s, whole seconds up to a minute, then `2m`; `-` when no advert yet. */
export function advertAge(ms: number | null): string {
  if (ms === null) return '-'
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s`
  return `${Math.floor(ms / 60_000)}m`
}

const pad = (text: string, width: number) => (text.length > width ? text.slice(0, width) : text.padEnd(width))

/** Lines the panel takes for `rows` instances (title, column header, rows), when shown at all. */
export function vrrpPanelHeight(rows: number, maxRows: number): number {
  return rows === 0 ? 0 : 2 + Math.min(rows, maxRows)
}

export interface VrrpPanelProps {
  rows: VrrpPanelRow[]
  /** Rows of instances shown (the rest are summarized on the title line). */
  height: number
  multiNode: boolean
}

/** Per node and instance: role in its colour, effective priority, VIPs, time since the last advert, who is master. */
export function VrrpPanel({rows, height, multiNode}: VrrpPanelProps) {
  const shown = rows.slice(0, Math.max(1, height))
  const hidden = rows.length - shown.length
  // Senders heard on the wire are named by address: the node column shows then, wide enough for one.
  const withNodes = multiNode || rows.some((r) => r.source === 'wire')
  const nodeWidth = withNodes ? Math.min(rows.some((r) => r.source === 'wire') ? 15 : 8, Math.max(4, ...rows.map((r) => r.node.length))) : 0
  const instanceWidth = Math.min(14, Math.max(8, ...rows.map((r) => r.instance.length)))
  const head = `${withNodes ? pad('NODE', nodeWidth) + ' ' : ''}${pad('INSTANCE', instanceWidth)} ${pad('VRID', 4)} ${pad('ROLE', 11)} ${pad('PRIO', 7)} ${pad('ADVERT', 6)} ${pad('MASTER', 15)} VIPS`
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {'  VRRP'}
        {hidden > 0 ? <Text dimColor>{` (+${hidden} more)`}</Text> : null}
      </Text>
      <Text dimColor wrap="truncate">{`  ${head}`}</Text>
      {rows.length === 0 ? <Text dimColor>  (no VRRP advert heard yet)</Text> : null}
      {shown.map((r) => {
        const prio = r.effectivePriority === null ? '-' : r.priority !== null && r.priority !== r.effectivePriority ? `${r.effectivePriority}/${r.priority}` : String(r.effectivePriority)
        return (
          <Text key={r.key} wrap="truncate">
            {'  '}
            {withNodes ? `${pad(r.node, nodeWidth)} ` : ''}
            {pad(r.instance, instanceWidth)}{' '}
            <Text color={r.rogue ? 'magenta' : undefined} bold={r.rogue}>
              {pad(r.vrid === null ? '-' : `${r.vrid}${r.rogue ? '!' : ''}`, 4)}
            </Text>{' '}
            <Text color={roleColor(r.role)} bold={r.role === 'MASTER'}>
              {pad(r.role, 11)}
            </Text>{' '}
            {pad(prio, 7)} {pad(advertAge(r.lastAdvertMsAgo), 6)} {pad(r.master || '-', 15)} {r.vips.join(' ')}
          </Text>
        )
      })}
    </Box>
  )
}

/** The yellow warning line for VRIDs on the wire that nobody expects (a misconfigured box, a test lab leaking). */
export function RogueBanner({vrids}: {vrids: number[]}) {
  if (vrids.length === 0) return null
  return (
    <Text color="black" backgroundColor="yellow" bold wrap="truncate">
      {` ⚠ ROGUE VRID${vrids.length > 1 ? 's' : ''} on the wire: ${vrids.join(', ')} (not configured on the watched nodes nor given with --vrid) `}
    </Text>
  )
}

/** The red warning line for each VRID with two masters. */
export function SplitBrainBanner({splits}: {splits: SplitBrain[]}) {
  if (splits.length === 0) return null
  return (
    <Box flexDirection="column">
      {splits.map((s) => (
        <Text key={s.vrid} color="white" backgroundColor="red" bold wrap="truncate">
          {` ⚠ SPLIT BRAIN: ${splitBrainText(s)} `}
        </Text>
      ))}
    </Box>
  )
}
