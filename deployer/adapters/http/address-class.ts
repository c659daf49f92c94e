// Which kind of network an IP address belongs to, so the verify probe (a URL any config author
// chooses) cannot be aimed at the task's credentials or at internal services.
// - metadata: the ECS task metadata/credentials endpoint 169.254.170.2 and the EC2 instance metadata
//   service 169.254.169.254 / fd00:ec2::254 (AWS docs: "Amazon ECS task metadata endpoint", "Access
//   instance metadata for an EC2 instance" — the IMDS IPv6 address is fd00:ec2::254).
// - link-local (169.254.0.0/16, fe80::/10), unspecified (0.0.0.0/8, ::: 0.0.0.0 reaches the local
//   host on Linux) and multicast/broadcast: never a web server to verify.
// - loopback and private (RFC 1918, carrier-grade NAT 100.64.0.0/10, IPv6 unique local fc00::/7):
//   allowed only when the deployer settings say so (VERIFY_ALLOW_PRIVATE_NETWORKS).
// IPv4 addresses embedded in IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::/96) are judged as the IPv4.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'loopback'
  | 'private'
  | 'public';

/** Classes the probe never connects to, whatever the settings. */
export const ALWAYS_REFUSED: ReadonlySet<AddressClass> = new Set([
  'metadata',
  'link-local',
  'unspecified',
  'multicast',
]);
/** Classes the probe connects to only when private networks are allowed. */
export const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private']);

function blocks(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) {
    const [net, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(net, Number(prefix), 'ipv4');
  }
  for (const cidr of v6) {
    const [net, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(net, Number(prefix), 'ipv6');
  }
  return list;
}

const CLASSES: [AddressClass, BlockList][] = [
  ['metadata', blocks(['169.254.169.254/32', '169.254.170.2/32'], ['fd00:ec2::254/128'])],
  ['link-local', blocks(['169.254.0.0/16'], ['fe80::/10'])],
  ['unspecified', blocks(['0.0.0.0/8'], ['::/128'])],
  ['multicast', blocks(['224.0.0.0/4', '240.0.0.0/4'], ['ff00::/8'])],
  ['loopback', blocks(['127.0.0.0/8'], ['::1/128'])],
  ['private', blocks(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7'])],
];

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, if any. */
function embeddedIPv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(
    address,
  );
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = Number.parseInt(match[2] ?? '0', 16);
  const low = Number.parseInt(match[3] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The class of an IP address; anything that is not an IP address is treated as unspecified. */
export function addressClass(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = isIPv4(bare) ? bare : isIPv6(bare) ? embeddedIPv4(bare) : undefined;
  if (!v4 && !isIPv6(bare)) return 'unspecified';
  const [ip, family] = v4 ? [v4, 'ipv4' as const] : [bare, 'ipv6' as const];
  for (const [name, list] of CLASSES) if (list.check(ip, family)) return name;
  return 'public';
}
