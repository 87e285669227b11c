import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {buildVrrpNode} from '../../../src/engine/vrrp/launch.js'

const parse = (text: string) => parseKeepalived({path: 'k.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}}).model

const v6 = `vrrp_instance VI_6 {
  version 3
  interface eth0
  virtual_router_id 66
  virtual_ipaddress {
    fd00:198:18::100/64
  }
}
`

describe('buildVrrpNode', () => {
  it('refuses IPv6 instances in local mode, saying where they run', () => {
    const build = buildVrrpNode({model: parse(v6), mode: 'local', nodeName: 'a'})
    expect(build).toEqual({ok: false, problems: ['(VI_6) IPv6 instances run in privileged mode only (root: raw VRRPv3 over IPv6); local mode speaks VRRP over IPv4 loopback']})
  })

  it('says which interface has no link-local address for an IPv6 instance in privileged mode', () => {
    const build = buildVrrpNode({model: parse(v6.replace('eth0', 'lbctl-none0')), mode: 'privileged', nodeName: 'a'})
    expect(build).toEqual({ok: false, problems: ['(VI_6) interface lbctl-none0 has no IPv6 link-local address: set unicast_src_ip or add an address']})
  })
})
