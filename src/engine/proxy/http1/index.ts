// HTTP/1.x for the proxy engine: incremental parsers feeding a callback sink, and the writers.
export {createRequestParser, createResponseParser, type Http1Parser, type RequestParser, type ResponseParser} from './parser.js'
export {HeaderList} from './header-list.js'
export {RawHeaders} from './raw-headers.js'
export {writeRawHead} from './raw-head-writer.js'
export {encodeChunk, encodeLastChunk, LAST_CHUNK, serializeRequestHead, serializeResponseHead, type SerializeOptions} from './serializer.js'
export {DEFAULT_LIMITS, type Http1Error, type Http1Limits, type Http1Sink, type RequestHead, type ResponseHead} from './types.js'
