import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** The code of a webhook URL or address refused for pointing inside (docs/errors.md). */
export const WEBHOOK_INTERNAL = 'ERR_WEBHOOK_URL_INTERNAL';

/**
 * Addresses a webhook must not reach unless the operator allows it: what is
 * not on the public Internet (RFC 6890 special-purpose registries). The
 * service would otherwise POST, from inside its network, wherever a site's
 * URL points: its own loopback, a cloud's metadata endpoint
 * (169.254.169.254), other hosts of a private network (OWASP SSRF
 * prevention).
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8], // private, RFC 1918
  ['100.64.0.0', 10], // shared address space (CGNAT), RFC 6598
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, RFC 3927 (cloud metadata)
  ['172.16.0.0', 12], // private, RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private, RFC 1918
  ['198.18.0.0', 15], // benchmarking, RFC 2544
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified (::), loopback (::1), IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64, RFC 6052: reaches IPv4 addresses through a gateway
  ['64:ff9b:1::', 48], // local-use NAT64, RFC 8215
  ['100::', 64], // discard-only, RFC 6666
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, RFC 4193
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}
/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`): refused whatever it embeds, as a spelling of an IPv4 address. */
const MAPPED = new BlockList();
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * Whether an IP address is loopback, private, link-local, CGNAT,
 * unspecified, multicast, broadcast, reserved, IPv4-mapped IPv6 or
 * otherwise not public. Anything that is not an IP address is internal too.
 */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  if (family === 6) return MAPPED.check(bare, 'ipv6') || INTERNAL.check(bare, 'ipv6');
  return true;
}

/** Names that resolve inside by definition: `localhost` (RFC 6761), `.local` (RFC 6762), `.internal`. */
function isInternalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (!name.includes('.')) return true; // a single label resolves through local search domains
  return /(^|\.)(localhost|local|internal|home\.arpa)$/.test(name);
}

/**
 * Why a webhook URL may not be registered, or null. Its host is read as the
 * URL parser normalises it (`0x7f000001`, `2130706433`, `0177.0.0.1` and
 * `127.1` are all `127.0.0.1`), so no spelling of an address slips past; a
 * name is checked again, resolved, at every delivery.
 */
export function internalWebhookHost(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    return isInternalAddress(host) ? `${host} is not a public address` : null;
  }
  return isInternalName(host) ? `${host} is not a public name` : null;
}

/** Resolves a name to every address it has (the system resolver unless a test gives its own). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver, every address, in the order it gives them. */
export const systemResolver: Resolver = (hostname) =>
  dns.lookup(hostname, { all: true, verbatim: true });

/** A refusal to connect a webhook to an inside address. */
export class InternalWebhookAddressError extends Error {
  readonly code = WEBHOOK_INTERNAL;
  constructor(detail: string) {
    super(`${WEBHOOK_INTERNAL}: ${detail}`);
    this.name = 'InternalWebhookAddressError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` that resolves the webhook's host, refuses
 * the connection when any of its addresses is internal (unless allowed),
 * and hands exactly the checked addresses to the socket: nothing resolves
 * the name again between the check and the connection, so a name that
 * answers a public address at one moment and an inside one the next (DNS
 * rebinding) cannot slip through.
 */
export function checkedLookup(resolve: Resolver, allowInternal: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (!first) {
          callback(
            Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
            '',
          );
          return;
        }
        const inside = addresses.find((entry) => isInternalAddress(entry.address));
        if (inside && !allowInternal) {
          callback(
            new InternalWebhookAddressError(`${hostname} resolves to ${inside.address}`),
            '',
          );
          return;
        }
        if (options.all) callback(null, [...addresses]);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
