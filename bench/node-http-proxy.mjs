// The node http-proxy baseline: `node bench/node-http-proxy.mjs PORT http://backend1 http://backend2 ...`.
// Round robin over keep-alive connections to the backends, as a typical user would set it up.
import http from 'node:http'
import httpProxy from 'http-proxy'

const [port, ...targets] = process.argv.slice(2)
if (!port || targets.length === 0) {
  process.stderr.write('usage: node-http-proxy.mjs PORT TARGET...\n')
  process.exit(2)
}
const agent = new http.Agent({keepAlive: true, maxSockets: 1024})
const proxy = httpProxy.createProxyServer({agent})
proxy.on('error', (_error, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502)
  res.end()
})
let next = 0
http
  .createServer((req, res) => proxy.web(req, res, {target: targets[next++ % targets.length]}))
  .listen(Number(port), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
