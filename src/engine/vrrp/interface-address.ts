/**
 * The address VRRP adverts go out from (this network namespace): the interface's primary IPv4 address, or
 * its IPv6 link-local one (RFC 5798 §5.1.2.1: an IPv6 advert's source is the link-local address). Read with `ip -j addr` because Node's networkInterfaces() leaves out interfaces
 * that are not RUNNING (a veth whose peer is not up yet, a cable out), where keepalived starts in FAULT instead.
 */
import {execFileSync} from 'node:child_process'
import {networkInterfaces} from 'node:os'

interface IpAddrInfo {
  family?: string
  local?: string
  scope?: string
  secondary?: boolean
}

export function systemInterfaceAddress(name: string, family: 4 | 6): string | undefined {
  let infos: IpAddrInfo[]
  try {
    const out = execFileSync('ip', ['-j', 'addr', 'show', 'dev', name], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
    infos = (JSON.parse(out) as {addr_info?: IpAddrInfo[]}[]).flatMap((link) => link.addr_info ?? [])
  } catch {
    return fromNode(name, family)
  }
  if (family === 4) return infos.find((a) => a.family === 'inet' && !a.secondary)?.local
  return infos.find((a) => a.family === 'inet6' && a.scope === 'link')?.local
}

/** Without iproute2 (or for an unknown interface): what Node sees. */
function fromNode(name: string, family: 4 | 6): string | undefined {
  const addresses = networkInterfaces()[name] ?? []
  if (family === 4) return addresses.find((address) => address.family === 'IPv4')?.address
  return addresses.find((address) => address.family === 'IPv6' && /^fe[89ab]/i.test(address.address))?.address
}
