#!/usr/bin/env node
// Plain `lbctl validate FILE...` runs without loading oclif (about 80 ms of start-up), from one bundled file; it
// declines anything else (help, unusual flags) and oclif runs the command as usual. See
// src/config/validate-cli.ts and src/config/validate-launcher.ts.
const fast = process.argv[2] === 'validate' && (await import('../dist/config/validate-launcher.js')).runValidateFast(process.argv.slice(3))
if (!(await fast)) {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
} else if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
  // Validated: leave now (with process.exitCode) rather than tear down the model of a big config, about
  // 10 ms for 20,000 servers. Only once the output is written: pipes are asynchronous on some systems.
  process.exit()
}
