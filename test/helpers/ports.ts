import {createServer} from 'node:net'

// Ports handed out by listen(0) come from the kernel's ephemeral range, which outgoing connections (health
// checks, clients) also draw from: a port found free, closed, then bound later can be taken meanwhile. Test
// listeners that must be bound later take ports below that range (Linux default 32768-60999) instead.
const LOW = 20000
const HIGH = 32000
let next = LOW + Math.floor(Math.random() * (HIGH - LOW))

/** A TCP port on 127.0.0.1 that was free just now and is outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = next
    next = next + 1 >= HIGH ? LOW : next + 1
    if (await canBind(port)) return port
  }
  throw new Error(`no free port between ${LOW} and ${HIGH}`)
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
