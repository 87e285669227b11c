#!/usr/bin/env node
// Plain `lbctl validate FILE...` runs without loading oclif (about 80 ms of start-up); it declines anything
// else (help, unusual flags) and oclif runs the command as usual. See src/config/validate-cli.ts.
const fast = process.argv[2] === 'validate' && (await import('../dist/config/validate-cli.js')).runValidateFastPath(process.argv.slice(3))
if (!(await fast)) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
