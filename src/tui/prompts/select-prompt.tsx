import {Box, Text} from 'ink'

export interface SelectPromptProps {
  label: string
  help: string
  options: readonly {label: string}[]
  /** Index of the highlighted option. */
  cursor: number
}

/** A question answered by picking one option. Presentational: the caller moves the cursor. */
export function SelectPrompt({label, help, options, cursor}: SelectPromptProps) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">? </Text>
        <Text bold>{label}</Text>
        <Text dimColor> ({help})</Text>
      </Text>
      {options.map((option, i) => (
        <Text key={option.label} color={i === cursor ? 'cyan' : undefined}>
          {i === cursor ? '❯ ' : '  '}
          {option.label}
        </Text>
      ))}
    </Box>
  )
}
