// `node child-guard.mjs <command> [args...]`: runs the command in a process group of its own and
// ends that whole group (the command and everything it started, such as wrangler's workerd)
// when the parent goes away, however it goes: the parent holds the write end of this process's
// stdin, and the kernel closes it when the parent exits, crashes or is killed with SIGKILL, which
// no signal handler of the parent could catch. A signal to the guard ends the group too.
// The guard exits with the command's exit code. scripts/start.mjs runs each `wrangler dev` so.
import { spawn } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node child-guard.mjs <command> [args...]");
  process.exit(2);
}

const GRACE_MS = 4_000;
const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });

const signalGroup = (signal) => {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
};

let ending = false;
function end() {
  if (ending) return;
  ending = true;
  signalGroup("SIGTERM");
  // Whatever still runs after the grace period is killed, and the guard leaves regardless.
  setTimeout(() => {
    signalGroup("SIGKILL");
    process.exit(1);
  }, GRACE_MS).unref();
}

child.on("error", (error) => {
  console.error(`child-guard: cannot run ${command}: ${error.message}`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  // The command is gone; anything it left in its group goes with it.
  signalGroup("SIGKILL");
  process.exit(code ?? (signal ? 128 : 1));
});

// The parent's end of the pipe: end of file (or an error) means the parent has gone.
process.stdin.on("end", end);
process.stdin.on("error", end);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, end);
