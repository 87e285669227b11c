/**
 * The keywords haproxy 2.6 refuses with more arguments than these ("'maxconn' cannot handle unexpected argument
 * 'x'."), by section ('proxy': defaults, frontend, listen, backend). Found by running `haproxy -c` on each keyword
 * with one argument too many; test/config/haproxy/arg-limits.test.ts checks every entry against the binary.
 * index.ts applies them to the specs that set no maxArgs of their own.
 */
export const ARG_LIMITS: Record<string, Record<string, number>> = {
  global: {
    'spread-checks': 1, node: 1, 'ssl-default-bind-ciphers': 1, 'ssl-default-server-ciphers': 1, 'tune.bufsize': 1,
    'tune.maxrewrite': 1, 'tune.ssl.default-dh-param': 1, 'tune.ssl.capture-cipherlist-size': 1, 'h1-case-adjust': 2,
    'ca-base': 1, 'cluster-secret': 1, 'crt-base': 1, 'external-check': 0, 'fd-hard-limit': 1,
    'h1-accept-payload-with-any-method': 0, localpeer: 1, 'log-tag': 1, 'max-spread-checks': 1, maxcompcpuusage: 1,
    maxcomprate: 1, maxconnrate: 1, maxpipes: 1, maxsessrate: 1, maxsslconn: 1, maxsslrate: 1, maxzlibmem: 1,
    'pp2-never-send-local': 0, 'profiling.tasks': 1, 'ssl-default-bind-ciphersuites': 1, 'ssl-default-bind-curves': 1,
    'ssl-default-server-ciphersuites': 1, 'thread-groups': 1, 'tune.buffers.limit': 1, 'tune.buffers.reserve': 1,
    'tune.comp.maxlevel': 1, 'tune.fail-alloc': 1, 'tune.h2.initial-window-size': 1,
    'tune.h2.max-concurrent-streams': 1, 'tune.http.cookielen': 1, 'tune.http.logurilen': 1,
    'tune.idle-pool.shared': 1, 'tune.idletimer': 1, 'tune.listener.multi-queue': 1, 'tune.maxaccept': 1,
    'tune.maxpollevents': 1, 'tune.peers.max-updates-at-once': 1, 'tune.pipesize': 1, 'tune.pool-high-fd-ratio': 1,
    'tune.pool-low-fd-ratio': 1, 'tune.rcvbuf.client': 1, 'tune.rcvbuf.server': 1, 'tune.recv_enough': 1,
    'tune.runqueue-depth': 1, 'tune.sched.low-latency': 1, 'tune.sndbuf.client': 1, 'tune.sndbuf.server': 1,
    'tune.ssl.cachesize': 1, 'tune.ssl.capture-buffer-size': 1, 'tune.ssl.force-private-cache': 0,
    'tune.ssl.hard-maxrecord': 1, 'tune.ssl.keylog': 1, 'tune.ssl.lifetime': 1, 'tune.ssl.maxrecord': 1,
    'tune.ssl.ssl-ctx-cache-size': 1,
  },
  proxy: {
    maxconn: 1, fullconn: 1, backlog: 1, retries: 1, id: 1, dispatch: 1, 'monitor-uri': 1,
    'server-state-file-name': 1,
  },
  cache: {
    'total-max-size': 1,
  },
  'log-forward': {
    maxconn: 1, backlog: 1,
  },
}
