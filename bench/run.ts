// `npm run bench [-- SCENARIO...] [-- --json]`: benchmarks measured side by side with the real tools.
import {benchValidate, type ValidateBenchResult} from './validate.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const wanted = args.filter((a) => !a.startsWith('--'))
const scenarios: Record<string, () => Promise<ValidateBenchResult>> = {validate: () => benchValidate()}

const unknown = wanted.filter((name) => !(name in scenarios))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`)
  process.exit(2)
}

const results = []
for (const name of wanted.length > 0 ? wanted : Object.keys(scenarios)) {
  if (!json) process.stderr.write(`bench: running ${name}...\n`)
  results.push(await scenarios[name]!())
}

if (json) {
  process.stdout.write(JSON.stringify({results}, null, 2) + '\n')
} else {
  for (const r of results) printValidate(r)
}

function printValidate(r: ValidateBenchResult): void {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} ms`)
  const ratio = (v: number | null) => (v === null ? 'haproxy not installed' : `${v.toFixed(2)} x haproxy -c`)
  console.log(`validate: ${r.backends} backends, ${r.servers} servers, ${(r.bytes / 1024).toFixed(0)} KiB, median of ${r.rounds}`)
  console.log(`  haproxy -c          ${ms(r.haproxyCheckMs)}`)
  console.log(`  lbctl (in process)  ${ms(r.lbctlInProcessMs)}  ${ratio(r.ratioInProcess)}`)
  console.log(`  lbctl validate CLI  ${ms(r.lbctlCliMs)}  ${ratio(r.ratioCli)}`)
}
