import { isIP } from 'node:net';

/** What yoga's node adapter puts in the server context: the incoming message and its socket. */
interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/**
 * The client's address for per-IP limits. By default the socket's peer address: a header can
 * be written by anyone. Behind `trustedProxies` reverse proxies, each of which appends the
 * address it received from to X-Forwarded-For, the client is that many entries from the right
 * (entries further left were written by the client itself and are ignored).
 *
 * Tests that call yoga.fetch pass a server context shaped like the node adapter's; a request
 * from the network cannot set it. Undefined when there is no socket (then only per-site limits
 * apply).
 */
export function clientAddress(request: Request, serverContext: unknown, trustedProxies = 0): string | undefined {
  const peer = (serverContext as NodeServerContext | undefined)?.req?.socket?.remoteAddress;
  if (!peer) return undefined;
  if (trustedProxies <= 0) return addressKey(peer);
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return addressKey(chain[Math.max(0, chain.length - 1 - trustedProxies)]!);
}

/**
 * The bucket key of an address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64, since one
 * subscriber usually holds a whole /64 and could otherwise rotate addresses for free.
 */
export function addressKey(raw: string): string {
  const address = withoutPort(raw);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

function withoutPort(raw: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(raw);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(raw);
  return v4WithPort ? v4WithPort[1]! : raw.replace(/%.*$/, '');
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (text: string) => (text ? text.split(':') : []);
  // An embedded IPv4 tail (::ffff:1.2.3.4 and the like) fills the last two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(left) - width(right)).fill('0');
  return [...left, ...zeros, ...right].map((group) => (group.includes('.') ? group : parseInt(group, 16).toString(16)));
}
