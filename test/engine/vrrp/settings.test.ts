import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {planInstances, type PlanContext} from '../../../src/engine/vrrp/settings.js'

function plan(text: string, context: Partial<PlanContext> = {}) {
  const parse = parseKeepalived({path: 'keepalived.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}})
  const interfaces: Record<string, string> = {eth0: '192.168.1.10', eth1: '10.0.0.5'}
  return planInstances(parse.model, {interfaceAddress: (name, family) => (family === 4 ? interfaces[name] : undefined), ...context})
}

const seed = `
global_defs {
  router_id LVS_A
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass 1111abcdXYZ
  }
  virtual_ipaddress {
    192.168.1.100/24
    192.168.1.101 dev eth1 label eth1:vip
  }
}
`

describe('planInstances', () => {
  it('maps a seed-style instance onto the machine settings', () => {
    const {plans, problems} = plan(seed)
    expect(problems).toEqual([])
    const [p] = plans
    expect(p?.name).toBe('VI_1')
    expect(p?.interface).toBe('eth0')
    expect(p?.multicastGroup).toBe('224.0.0.18')
    expect(p?.settings).toMatchObject({
      name: 'VI_1',
      vrid: 51,
      priority: 150,
      version: 2,
      family: 4,
      advertIntervalCs: 100,
      initialState: 'MASTER',
      preempt: true,
      preemptDelayMs: 0,
      primaryAddress: '192.168.1.10',
      vips: ['192.168.1.100', '192.168.1.101'],
      // keepalived sends the first 8 characters only.
      authPass: '1111abcd',
      unicastPeers: [],
      garpMasterDelayMs: 5000,
      garpMasterRepeat: 5,
      garpMasterRefreshMs: 0,
      garpMasterRefreshRepeat: 1,
    })
    expect(p?.garpIntervalMs).toBe(0)
    expect(p?.vips).toEqual([
      {address: '192.168.1.100', family: 4, prefix: 24, dev: 'eth0'},
      {address: '192.168.1.101', family: 4, prefix: 32, dev: 'eth1', label: 'eth1:vip'},
    ])
  })

  it('maps garp_master_refresh and vrrp_garp_interval onto the machine and the announcers', () => {
    const {plans} = plan(seed.replace('vrrp_instance VI_1 {', 'global_defs {\n  vrrp_garp_interval 0.25\n}\nvrrp_instance VI_1 {\n  garp_master_refresh 30\n  garp_master_refresh_repeat 2'))
    expect(plans[0]?.settings).toMatchObject({garpMasterRefreshMs: 30_000, garpMasterRefreshRepeat: 2})
    expect(plans[0]?.garpIntervalMs).toBe(250)
  })

  it('reads vrrp_version 3 and vrrp_mcast_group4 from global_defs, and drops PASS auth for v3', () => {
    const {plans} = plan(`
global_defs {
  vrrp_version 3
  vrrp_mcast_group4 224.0.0.50
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  advert_int 0.1
  authentication {
    auth_type PASS
    auth_pass secret
  }
  virtual_ipaddress {
    192.168.1.200
  }
}`)
    expect(plans[0]?.settings).toMatchObject({version: 3, advertIntervalCs: 10, priority: 100})
    expect(plans[0]?.settings.authPass).toBeUndefined()
    // No `state` line: the machine derives it from the priority, as keepalived does.
    expect(plans[0]?.settings.initialState).toBeUndefined()
    expect(plans[0]?.multicastGroup).toBe('224.0.0.50')
  })

  it('maps nopreempt, preempt_delay, unicast_src_ip and unicast_peer', () => {
    const {plans} = plan(`
vrrp_instance VI_3 {
  state BACKUP
  interface eth0
  virtual_router_id 53
  priority 90
  advert_int 2
  nopreempt
  unicast_src_ip 10.9.9.1
  unicast_peer {
    10.9.9.2
    10.9.9.3
  }
  virtual_ipaddress {
    10.9.9.100/24
  }
}
vrrp_instance VI_4 {
  interface eth1
  virtual_router_id 54
  preempt_delay 15
  virtual_ipaddress {
    10.0.0.100
  }
}`)
    expect(plans[0]?.settings).toMatchObject({preempt: false, initialState: 'BACKUP', primaryAddress: '10.9.9.1', unicastPeers: ['10.9.9.2', '10.9.9.3'], advertIntervalCs: 200})
    expect(plans[1]?.settings).toMatchObject({preempt: true, preemptDelayMs: 15000, primaryAddress: '10.0.0.5'})
  })

  it('lets local mode override the primary address', () => {
    const {plans} = plan(seed, {primaryAddressOverride: '127.0.0.11'})
    expect(plans[0]?.settings.primaryAddress).toBe('127.0.0.11')
  })

  it('reports instances that cannot run', () => {
    const {plans, problems} = plan(`
vrrp_instance NO_VRID {
  interface eth0
  virtual_ipaddress {
    192.168.1.100
  }
}
vrrp_instance NO_ADDR {
  interface wlan9
  virtual_router_id 60
  virtual_ipaddress {
    192.168.1.100
  }
}
vrrp_instance AH {
  interface eth0
  virtual_router_id 61
  authentication {
    auth_type AH
    auth_pass x
  }
}`)
    expect(plans).toEqual([])
    expect(problems).toEqual([
      '(NO_VRID) virtual_router_id is not set (1..255): the instance cannot run',
      '(NO_ADDR) interface wlan9 has no IPv4 address: set unicast_src_ip or add an address',
      '(AH) auth_type AH (IPsec) is not supported by lbctl; use PASS or no authentication',
    ])
  })
})
