/** The built-in demo's files: one haproxy.cfg (mode http) and one keepalived.conf per node. */

export interface DemoNodeSpec {
  name: string
  state: 'MASTER' | 'BACKUP'
  priority: number
  /** Loopback address the node sends its adverts from. */
  address: string
}

export interface DemoSpec {
  vip: string
  port: number
  vrid: number
  nodes: DemoNodeSpec[]
  backends: {name: string; port: number}[]
}

export const DEMO_VIP = '127.0.0.100'
export const DEMO_PORT = 8080

export const demoNodes: DemoNodeSpec[] = [
  {name: 'a', state: 'MASTER', priority: 110, address: '127.0.0.11'},
  {name: 'b', state: 'BACKUP', priority: 100, address: '127.0.0.12'},
]

export function demoHaproxyCfg(spec: DemoSpec, node: DemoNodeSpec, statsSocket: string): string {
  const servers = spec.backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} check inter 1s rise 2 fall 2`).join('\n')
  return `# lbctl up demo: node ${node.name}.
global
    maxconn 1024
    stats socket ${statsSocket} mode 600 level admin

defaults
    mode http
    option forwardfor
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s

# Bound only while this node holds the VIP (VRRP MASTER).
frontend fe_vip
    bind ${spec.vip}:${spec.port}
    default_backend be_app

backend be_app
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
${servers}
`
}

export function demoKeepalivedConf(spec: DemoSpec, node: DemoNodeSpec): string {
  return `! lbctl up demo: node ${node.name} (${node.state}, priority ${node.priority}).
global_defs {
    router_id ${node.name}
}

vrrp_instance VI_1 {
    state ${node.state}
    interface lo
    virtual_router_id ${spec.vrid}
    priority ${node.priority}
    advert_int 1
    virtual_ipaddress {
        ${spec.vip}
    }
}
`
}
