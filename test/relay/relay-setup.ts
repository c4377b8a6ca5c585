/**
 * What the relay test sets up: a certificate authority made for the run (openssl), certificates
 * from it, and nginx (Debian's) running deploy/relay/linepay-relay.conf.template as render.sh
 * renders it, in a temporary prefix with its own pid file, logs and temp folders. Nothing here
 * touches the machine's own nginx.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { ROOT, portFree } from "../browser/stack";

export function findNginx(): string {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    "npm run test:relay needs nginx: apt-get install -y nginx (Debian's package; .ci/run installs it when missing)",
  );
}

const openssl = (dir: string, ...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

/** A CA (`<name>-ca.pem`) and, for each leaf, `<leaf>.pem` and `<leaf>.key` signed by it. */
export function makeCertificates(dir: string, name: string, leaves: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${name} test CA`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    `${name}-ca.key`,
    "-out",
    `${name}-ca.pem`,
  );
  for (const [leaf, subjectAltName] of Object.entries(leaves)) {
    openssl(
      dir,
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      `/CN=${leaf}`,
      "-keyout",
      `${leaf}.key`,
      "-out",
      `${leaf}.csr`,
    );
    writeFileSync(
      join(dir, `${leaf}.ext`),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltName}\n`,
    );
    openssl(
      dir,
      "x509",
      "-req",
      "-in",
      `${leaf}.csr`,
      "-CA",
      `${name}-ca.pem`,
      "-CAkey",
      `${name}-ca.key`,
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      `${leaf}.ext`,
      "-out",
      `${leaf}.pem`,
    );
  }
}

/** deploy/relay/render.sh with these settings, as a merchant runs it. */
export function renderRelay(settings: Record<string, string>): string {
  return execFileSync("sh", [join(ROOT, "deploy", "relay", "render.sh")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...settings },
    encoding: "utf8",
  });
}

export interface Nginx {
  stop(): Promise<void>;
  log(name: string): string;
}

/** nginx with `servers` (http-context config) included, in its own prefix; resolves once it listens. */
export async function startNginx(prefix: string, servers: string, ports: number[]): Promise<Nginx> {
  mkdirSync(join(prefix, "logs"), { recursive: true });
  mkdirSync(join(prefix, "temp"), { recursive: true });
  writeFileSync(join(prefix, "servers.conf"), servers);
  // A whole nginx.conf for the test; the relay's own file is only `servers.conf` in it.
  writeFileSync(
    join(prefix, "nginx.conf"),
    `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 64; }
http {
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  access_log off;
  include ${prefix}/servers.conf;
}
`,
  );
  const nginx = findNginx();
  execFileSync(nginx, ["-t", "-q", "-p", prefix, "-e", `${prefix}/logs/error.log`, "-c", `${prefix}/nginx.conf`], {
    stdio: "pipe",
  });
  const child: ChildProcess = spawn(
    nginx,
    ["-p", prefix, "-e", `${prefix}/logs/error.log`, "-c", `${prefix}/nginx.conf`],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  for (let waited = 0; ; waited += 100) {
    const free = await Promise.all(ports.map(portFree));
    if (free.every((f) => !f)) break;
    if (waited > 10_000 || child.exitCode !== null) {
      throw new Error(`nginx did not start:\n${readLog(prefix, "error.log")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
    log: (name) => readLog(prefix, name),
  };
}

function readLog(prefix: string, name: string): string {
  try {
    return readFileSync(join(prefix, "logs", name), "utf8");
  } catch {
    return "";
  }
}

export interface Answer {
  status: number;
  body: string;
}

/** An HTTPS request that trusts only `ca` (Node's fetch cannot be given a CA per call). */
export function httpsRequest(url: string, ca: string, init: { method?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      { method: init.method ?? "GET", ca: readFileSync(ca), headers: { "Content-Type": "application/json" } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", fail);
    req.end(init.body);
  });
}
