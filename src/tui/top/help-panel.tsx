import {Box, Text} from 'ink'

export const keyHelp: [string, string][] = [
  ['↑ ↓  j k', 'move the selection'],
  ['s / S', 'sort by the next column / reverse the order'],
  ['/', 'filter rows (Enter keeps it, Esc clears it)'],
  ['e', 'enable the selected server (set server state ready)'],
  ['d', 'disable the selected server (MAINT)'],
  ['D', 'drain the selected server'],
  ['w', 'set the weight of the selected server'],
  ['space', 'pause / resume the display'],
  ['?', 'show / hide this help'],
  ['q', 'quit'],
]

/** Keys, shown instead of the table while `?` is on. e/d/D/w need a stats socket at level admin. */
export function HelpPanel() {
  return (
    <Box flexDirection="column">
      <Text bold>  KEYS</Text>
      {keyHelp.map(([keys, what]) => (
        <Text key={keys} wrap="truncate">
          {'  '}
          <Text color="cyan">{keys.padEnd(10)}</Text> {what}
        </Text>
      ))}
      <Text dimColor wrap="truncate">  e, d, D and w need the stats socket at level admin.</Text>
    </Box>
  )
}
