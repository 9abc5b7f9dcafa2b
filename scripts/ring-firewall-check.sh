#!/usr/bin/env bash
# The ring's nftables adapter tested for real: NftablesFirewallNamespaceTest makes a private
# network namespace (its own loopback addresses 10.77.0.x only), enforces the rules computed from
# a membership with `nft -f` inside it, and checks who connects to the internode and client ports:
# members and KairosDB hosts admitted, an outsider refused, a new member admitted once enforced.
# The namespace and every process the test starts are removed at the end.
#
# Usage: scripts/ring-firewall-check.sh
# Needs: root (network namespaces, nft), iproute2, Java 17. Installs Debian's nftables package
# when `nft` is missing. Not part of `./mvnw -B verify`, which needs neither root nor nft.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

if [ "$(id -u)" != 0 ]; then
  echo "ring-firewall-check: needs root (network namespaces and nft)" >&2
  exit 2
fi
if ! command -v ip >/dev/null; then
  echo "ring-firewall-check: needs ip (iproute2)" >&2
  exit 2
fi
if ! command -v nft >/dev/null; then
  echo "ring-firewall-check: nft is missing; installing Debian's nftables package"
  apt-get install -y --no-install-recommends nftables >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends nftables >/dev/null; }
fi

./mvnw -B -q -pl adapters-ring -am test -Pring-namespace -Dtest=NftablesFirewallNamespaceTest \
  -Dsurefire.failIfNoSpecifiedTests=false
echo "ring-firewall-check: PASS"
