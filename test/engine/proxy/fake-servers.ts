import type {LbServer} from '../../../src/engine/proxy/balance/types.js'

export interface FakeServer extends LbServer {
  id: number
  name: string
  backup: boolean
  weight: number
  running: boolean
  served: number
  queued: number
  maxconn: number
}

/** `['s1:3', 's2:1', 'b1:1:backup']` → servers with those weights. */
export function fakeServers(specs: string[]): FakeServer[] {
  return specs.map((spec, i) => {
    const [name = '', weight = '1', flag] = spec.split(':')
    return {id: i + 1, name, weight: Number(weight), backup: flag === 'backup', running: true, served: 0, queued: 0, maxconn: 0}
  })
}
