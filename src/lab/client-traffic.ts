/**
 * The traffic generator run as a script inside the lab's client namespace:
 * `client-traffic '<TrafficOptions as JSON>'`. Prints each record as one JSON line when it completes;
 * on SIGTERM (or stdin closing) stops sending, waits for the requests in flight, prints `{"done":true}`.
 */
import {startTraffic, type TrafficOptions} from '../failover/traffic.js'

const options = JSON.parse(process.argv[2] ?? '{}') as TrafficOptions
const traffic = startTraffic({...options, onRecord: (record) => process.stdout.write(`${JSON.stringify(record)}\n`)})
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await traffic.stop()
  process.stdout.write('{"done":true}\n', () => process.exit(0))
}
process.on('SIGTERM', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()
