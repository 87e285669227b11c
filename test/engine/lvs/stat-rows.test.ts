import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {planLvs} from '../../../src/engine/lvs/runner.js'
import {VirtualService} from '../../../src/engine/lvs/service.js'
import {lvsStatObjects} from '../../../src/engine/lvs/stat-rows.js'
import {STAT_COLUMNS_2_6} from '../../../src/engine/proxy/runtime-api/stat-columns.js'
import {parseShowStat} from '../../../src/observe/stat-csv.js'

describe('virtual servers as show stat rows', () => {
  it('gives a backend row per virtual server and a server row per real server that lbctl top parses', async () => {
    const result = planLvs(
      parseKeepalived({
        path: 'k.conf',
        text: 'virtual_server 127.0.0.50 80 {\n lb_algo wrr\n real_server 127.0.0.1 8081 {\n  weight 1\n  TCP_CHECK {\n   warmup 0\n   retry 0\n  }\n }\n real_server 127.0.0.1 8082 {\n  weight 2\n }\n}\n',
      }).model,
      true,
    )
    if (!result.ok) throw new Error(result.problems.join())
    let now = 1_000_000
    const vs = new VirtualService(result.services[0]!, {log: () => {}, now: () => now, probe: async () => ({ok: false, detail: 'ECONNREFUSED'})})
    vs.startChecks()
    const deadline = Date.now() + 2000
    while (vs.servers[0]!.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    vs.stopChecks()
    now += 5000
    const objects = lvsStatObjects([vs], now, 10)
    const csv = ['# ' + STAT_COLUMNS_2_6.join(',') + ',', ...objects.map((o) => STAT_COLUMNS_2_6.map((c) => o.row[c] ?? '').join(',') + ',')].join('\n') + '\n'
    const rows = parseShowStat(csv)
    expect(rows.map((r) => [r.proxy, r.name, r.type, r.status.state])).toEqual([
      ['[127.0.0.50]:tcp:80', '[127.0.0.1]:tcp:8081', 'server', 'DOWN'],
      ['[127.0.0.50]:tcp:80', '[127.0.0.1]:tcp:8082', 'server', 'UP'],
      ['[127.0.0.50]:tcp:80', 'BACKEND', 'backend', 'UP'],
    ])
    expect(objects[2]!.row).toMatchObject({algo: 'wrr', weight: 2, act: 1, iid: 10})
    expect(objects[0]!.row).toMatchObject({chkdown: 1, lastchg: 5, addr: '127.0.0.1:8081'})
  })
})
