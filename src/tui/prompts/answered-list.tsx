import {Box, Text} from 'ink'

export interface AnsweredRow {
  label: string
  value: string
}

/** The questions already answered, one line each. */
export function AnsweredList({rows}: {rows: AnsweredRow[]}) {
  return (
    <Box flexDirection="column">
      {rows.map((row) => (
        <Text key={row.label}>
          <Text color="green">✔ </Text>
          <Text>{row.label}: </Text>
          <Text color="cyan">{row.value}</Text>
        </Text>
      ))}
    </Box>
  )
}
