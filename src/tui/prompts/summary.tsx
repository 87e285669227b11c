import {Box, Text} from 'ink'
import {type AnsweredRow, AnsweredList} from './answered-list.js'
import {SelectPrompt} from './select-prompt.js'

export interface SummaryProps {
  dir: string
  rows: AnsweredRow[]
  /** The files that will be written. */
  files: string[]
  choices: readonly string[]
  cursor: number
}

/** Everything answered, the files about to be written, and the final confirmation. */
export function Summary({dir, rows, files, choices, cursor}: SummaryProps) {
  return (
    <Box flexDirection="column">
      <AnsweredList rows={rows} />
      <Box marginTop={1} flexDirection="column">
        <Text bold>Files to write in {dir}:</Text>
        {files.map((file) => (
          <Text key={file}>  {file}</Text>
        ))}
      </Box>
      <Box marginTop={1}>
        <SelectPrompt label="Write them?" help="y/n, or arrows and Enter" options={choices.map((label) => ({label}))} cursor={cursor} />
      </Box>
    </Box>
  )
}
