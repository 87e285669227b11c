// The parts of the raw-socket addon (no published types) that transport/raw.ts uses.
declare module 'raw-socket' {
  import type {EventEmitter} from 'node:events'

  export interface SocketOptions {
    addressFamily?: number
    protocol?: number
    bufferSize?: number
    generateChecksums?: boolean
    checksumOffset?: number
  }

  export interface Socket extends EventEmitter {
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      beforeCallback: (() => void) | undefined,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): Socket
    setOption(level: number, option: number, value: number): void
    setOption(level: number, option: number, value: Buffer, length: number): void
    close(): Socket
    on(event: 'message', listener: (buffer: Buffer, address: string) => void): this
    on(event: 'error', listener: (error: Error) => void): this
    on(event: 'close', listener: () => void): this
  }

  const raw: {
    createSocket(options?: SocketOptions): Socket
    AddressFamily: {IPv4: number; IPv6: number}
    Protocol: Record<string, number>
    SocketLevel: {SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number}
    SocketOption: Record<string, number>
  }
  export default raw
}
