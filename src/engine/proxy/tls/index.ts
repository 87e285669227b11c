// TLS termination for `bind ... ssl crt FILE|DIR`: certificates and SNI, ALPN, the handshake.
export {CertificateSelector, certificateNames, loadCertificates, type LoadedCertificate} from './certificates.js'
export {readClientHello} from './client-hello.js'
export {planBindTls, type TlsBindPlan} from './plan.js'
export {isTlsSocket, terminateTls} from './terminator.js'
