// The backends every target forwards to: nginx, one worker each, answering a small fixed body.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {freePort, type Running, start, waitForPort} from './process.js'

export const BODY = 'hello from the backend\n'

export interface Backends {
  ports: number[]
  procs: Running[]
  stop(): Promise<void>
}

function nginxConfig(dir: string, port: number): string {
  // keepalive_requests/timeout high: nginx must not be the one closing connections during a run.
  return `worker_processes 1;
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log error;
worker_rlimit_nofile 65536;
events { worker_connections 30000; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type text/plain; return 200 "${BODY.replace('\n', '\\n')}"; }
  }
}
`
}

export async function startBackends(dir: string, count = 2): Promise<Backends> {
  const ports: number[] = []
  const procs: Running[] = []
  const stop = async () => {
    await Promise.all(procs.map((p) => p.stop()))
  }
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort()
      const home = join(dir, `nginx-${i}`)
      mkdirSync(home, {recursive: true})
      writeFileSync(join(home, 'nginx.conf'), nginxConfig(home, port))
      const proc = start(`nginx backend ${i}`, 'nginx', ['-c', join(home, 'nginx.conf'), '-p', home], {fileLimit: 65536, cpu: 'load'})
      procs.push(proc)
      await waitForPort(proc, port)
      ports.push(port)
    }
  } catch (error) {
    await stop()
    throw error
  }
  return {ports, procs, stop}
}
