/**
 * virtual_server / real_server / sorry_server addresses: keepalived skips the whole server (and its
 * block) when it cannot read the address or the port (check_parser.c), so the model drops them too.
 */
import {type Check, isIp, numberProblem} from './spec.js'

export interface AddressProblem {
  /** lib/parser.c's number message (`invalid number 'http'`), when the port is the problem. */
  numberProblem?: string
  message: string
}

/** Why keepalived cannot read a port (lib/parser.c read_unsigned wording), or undefined. Port 0 is read as "none". */
export function portProblem(text: string): string | undefined {
  if (/^0+$/.test(text)) return undefined
  return numberProblem(text, {min: 1, max: 65535, integer: true, unsigned: true})
}

/**
 * Why keepalived skips `virtual_server ADDRESS PORT` (check_parser.c vs_handler), or undefined.
 * `fwmark N` and `group NAME` are not addresses.
 */
export function virtualServerProblem(args: string[]): AddressProblem | undefined {
  const [address, port] = args
  if (address === undefined || address === 'fwmark' || address === 'group') return undefined
  const problem = port === undefined ? undefined : portProblem(port)
  if (problem === undefined && isIp(address)) return undefined
  const message = `Invalid virtual server IP address${port === undefined ? '' : '/port'} ${address}${port === undefined ? '' : `/${port}`} - skipping`
  return problem === undefined ? {message} : {numberProblem: problem, message}
}

/** Why keepalived skips `real_server ADDRESS [PORT]` / `sorry_server ADDRESS [PORT]`, or undefined. */
export function serverAddressProblem(args: string[], kind: 'real' | 'sorry'): AddressProblem | undefined {
  const [address, port] = args
  if (address === undefined) return undefined
  const problem = port === undefined ? undefined : portProblem(port)
  if (problem === undefined && isIp(address)) return undefined
  const message =
    kind === 'real'
      ? `Invalid real server ip address${port === undefined ? '' : '/port'} ${address}${port === undefined ? '' : `/${port}`} - skipping`
      : `Invalid sorry server IP address ${address} - skipping`
  return problem === undefined ? {message} : {numberProblem: problem, message}
}

/** One diagnostic per skipped server, on the port when the port is the problem. */
export function addressCheck(code: string, find: (args: string[]) => AddressProblem | undefined): Check {
  return (view) => {
    const problem = find(view.args)
    if (!problem) return []
    const message = problem.numberProblem ? `${problem.numberProblem}: ${problem.message}` : problem.message
    return [{code, message, arg: problem.numberProblem ? 1 : 0, suggestions: ['write an IP address and a port number (1-65535), e.g. `198.18.0.100 80`']}]
  }
}
