import {Box, Text} from 'ink'
import {formatEventLine, type LbEvent} from '../../observe/events.js'

function eventColor(event: LbEvent): string | undefined {
  switch (event.kind) {
    case 'health':
      return event.to === 'DOWN' ? 'red' : event.to === 'UP' ? 'green' : 'yellow'
    case 'node':
      return event.reachable ? 'green' : 'red'
    case 'reload':
    case 'role':
      return 'yellow'
    case 'vrrp-split':
      return event.resolved ? 'green' : 'red'
    case 'vrrp-advert':
      return event.problems.length > 0 ? 'red' : event.priority === 0 ? 'yellow' : undefined
    case 'garp':
      return 'cyan'
    default:
      return undefined
  }
}

export interface EventLogProps {
  events: LbEvent[]
  height: number
}

/** The newest `height` events, newest at the bottom, tcpdump style. */
export function EventLog({events, height}: EventLogProps) {
  const shown = events.slice(-Math.max(0, height))
  return (
    <Box flexDirection="column">
      <Text bold>  EVENTS</Text>
      {shown.length === 0 ? <Text dimColor>  (no events yet)</Text> : null}
      {shown.map((e, i) => (
        <Text key={`${e.at}-${i}`} color={eventColor(e)} wrap="truncate">
          {'  '}
          {formatEventLine(e)}
        </Text>
      ))}
    </Box>
  )
}
