import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** Its command line, arguments joined by spaces. */
  command: string;
}

const LISTEN = '0A';

/** Socket inodes listening on `port` on any address, from the kernel's TCP tables. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (fields[3] !== LISTEN || !local || !inode) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}

const safely = <T>(read: () => T, fallback: T): T => {
  try {
    return read();
  } catch {
    return fallback;
  }
};

/**
 * The processes holding a listening socket on `port` (Linux; best effort: another user's processes do not
 * show their descriptors, and then nothing is found). Several when a listener forked, as Postgres does.
 */
export function portHolders(port: number): PortHolder[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const entry of safely(() => readdirSync('/proc'), [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = safely(() => readdirSync(`/proc/${entry}/fd`), [] as string[]);
    const holds = fds.some((fd) => {
      const target = safely(() => readlinkSync(`/proc/${entry}/fd/${fd}`), '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      return inode !== undefined && inodes.has(inode);
    });
    if (!holds) continue;
    const command = safely(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8'), '')
      .split('\0')
      .filter(Boolean)
      .join(' ');
    holders.push({ pid: Number(entry), command: command || '(command line not readable)' });
  }
  return holders;
}
