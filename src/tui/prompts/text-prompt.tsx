import {Box, Text} from 'ink'

export interface TextPromptProps {
  label: string
  help: string
  /** What has been typed. */
  draft: string
  /** Shown dimmed while nothing is typed: what Enter on an empty line gives. */
  placeholder: string
  /** Why the last answer was refused. */
  error?: string
  /** Show '*' instead of the typed characters. */
  secret?: boolean
}

/** One open question with a text answer. Presentational: the caller owns the text and the keys. */
export function TextPrompt({label, help, draft, placeholder, error, secret}: TextPromptProps) {
  const shown = secret ? '*'.repeat([...draft].length) : draft
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">? </Text>
        <Text bold>{label}: </Text>
        {shown === '' ? <Text dimColor>{placeholder}</Text> : <Text>{shown}</Text>}
        <Text inverse> </Text>
      </Text>
      {error ? <Text color="red">  ✗ {error}</Text> : <Text dimColor>  {help}</Text>}
    </Box>
  )
}
