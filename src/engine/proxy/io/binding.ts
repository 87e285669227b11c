/**
 * Node's libuv TCP handle bindings (what net.Socket is built on), typed for the parts used here.
 * `process.binding('tcp_wrap' | 'stream_wrap' | 'uv')` are allowed without a deprecation warning on Node 20.
 */
import {getSystemErrorMap} from 'node:util'

export interface AddressOut {
  address?: string
  family?: string
  port?: number
}

/** A request object libuv completes asynchronously; the fields after `oncomplete` are ours. */
export interface WriteReq {
  handle: TcpHandle
  oncomplete: (this: WriteReq, status: number) => void
  async: boolean
  /** Kept referenced until the write completes: libuv sends from this memory. */
  buffer: Buffer | Buffer[] | null
  bytes: number
  owner: unknown
}

export interface ShutdownReq {
  handle: TcpHandle
  oncomplete: (this: ShutdownReq, status: number) => void
  owner: unknown
}

export interface ConnectReq {
  oncomplete: (this: ConnectReq, status: number) => void
}

export interface TcpHandle {
  onread: ((this: TcpHandle, buffer: ArrayBuffer | undefined) => void) | null
  onconnection: ((this: TcpHandle, status: number, client: TcpHandle | undefined) => void) | null
  /** The socket object reading from this handle. */
  owner: unknown
  readonly bytesRead: number
  readonly bytesWritten: number
  readonly writeQueueSize: number
  readStart(): number
  /** Reads go into `buffer` (onread gets no ArrayBuffer) instead of a new allocation each. */
  useUserBuffer(buffer: Uint8Array): void
  readStop(): number
  writeBuffer(req: WriteReq, data: Buffer): number
  writev(req: WriteReq, chunks: Buffer[], allBuffers: true): number
  shutdown(req: ShutdownReq): number
  close(callback?: () => void): void
  /** Closes with SO_LINGER 0 (a reset); 0, or libuv's error with the handle left open. */
  reset(callback?: () => void): number
  setNoDelay(noDelay: boolean): number
  getpeername(out: AddressOut): number
  getsockname(out: AddressOut): number
  bind(address: string, port: number): number
  bind6(address: string, port: number, flags: number): number
  listen(backlog: number): number
  connect(req: ConnectReq, address: string, port: number): number
  connect6(req: ConnectReq, address: string, port: number): number
}

interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle
  TCPConnectWrap: new () => ConnectReq
  constants: {SOCKET: number; SERVER: number; UV_TCP_IPV6ONLY: number}
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq
  ShutdownWrap: new () => ShutdownReq
  streamBaseState: Int32Array
  kReadBytesOrError: number
  kArrayBufferOffset: number
  kBytesWritten: number
  kLastWriteWasAsync: number
}

const binding = (process as unknown as {binding(name: string): unknown}).binding
const tcpWrap = binding('tcp_wrap') as TcpWrapBinding
const streamWrap = binding('stream_wrap') as StreamWrapBinding
const uv = binding('uv') as {UV_EOF: number; UV_ENOTCONN: number}

export const {TCP, TCPConnectWrap, constants: tcpConstants} = tcpWrap
export const {WriteWrap, ShutdownWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync} = streamWrap
export const {UV_EOF, UV_ENOTCONN} = uv

/**
 * The error net raises for a failed libuv call, with code, errno, syscall: `listen EADDRINUSE: address already
 * in use 127.0.0.1:80`, or without the description like net's other errors: `connect ECONNREFUSED 127.0.0.1:80`, `read ECONNRESET`.
 */
export function uvError(errno: number, syscall: string, address?: string, port?: number, describe = syscall === 'listen'): NodeJS.ErrnoException & {address?: string; port?: number} {
  const [code, text] = getSystemErrorMap().get(errno) ?? [`Unknown system error ${errno}`, `Unknown system error ${errno}`]
  const where = address === undefined ? '' : port !== undefined && port > 0 ? ` ${address}:${port}` : ` ${address}`
  const error = new Error(describe ? `${syscall} ${code}: ${text}${where}` : `${syscall} ${code}${where}`) as NodeJS.ErrnoException & {address?: string; port?: number}
  error.code = code
  error.errno = errno
  error.syscall = syscall
  if (address !== undefined) error.address = address
  if (port !== undefined && port > 0) error.port = port
  return error
}
