import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export type GameProtocol = "udp" | "tcp";

/** What readiness needs to know of a room server. */
export interface ReadinessProbe {
  readonly pid: number;
  readonly port: number;
  readonly protocol: GameProtocol;
}

/** TCP state LISTEN in /proc/net/tcp. */
const TCP_LISTEN = "0A";

/** Inodes of the sockets a process holds: its /proc/<pid>/fd links read "socket:[inode]". */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** Rows of /proc/net/<table> (and its IPv6 twin) bound to `port`: local address hex, state, inode. */
export function boundSockets(protocol: GameProtocol, port: number) {
  const rows: { address: string; state: string; inode: string }[] = [];
  for (const table of [protocol, `${protocol}6`]) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${table}`, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [address, portHex] = fields[1].split(":");
      if (parseInt(portHex, 16) === port)
        rows.push({ address, state: fields[3], inode: fields[9] });
    }
  }
  return rows;
}

/**
 * Local RUNNING means the server's own process has bound the port local mode gave it (UDP for
 * ENet, a listening TCP socket for WebSocket), seen in /proc, whatever the server prints.
 * Kept to this one function so other readiness signals can be combined with it.
 */
export function portBound(probe: ReadinessProbe): boolean {
  const rows = boundSockets(probe.protocol, probe.port).filter(
    (row) => probe.protocol === "udp" || row.state === TCP_LISTEN,
  );
  if (rows.length === 0) return false;
  const inodes = socketInodes(probe.pid);
  return rows.some((row) => inodes.has(row.inode));
}
