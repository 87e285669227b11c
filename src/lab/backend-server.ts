/**
 * A lab backend, run as a script inside a backend namespace: `backend-server NAME PORT`. Answers
 * every request 200 with `X-Served-By: NAME` and the name in the body; exits on SIGTERM.
 */
import {createServer} from 'node:http'

const [name = 'app', portText = '8080'] = process.argv.slice(2)
const server = createServer((request, response) => {
  request.resume()
  response.writeHead(200, {'content-type': 'text/plain', 'x-served-by': name})
  response.end(`${name}\n`)
})
server.keepAliveTimeout = 5000
server.listen(Number(portText), () => process.stdout.write(`listening ${name} ${portText}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
