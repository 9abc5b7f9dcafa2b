#!/usr/bin/env bash
# The Cassandra ring rehearsal (docs/RING.md): a ring whose seeds and firewall rules come from its
# membership in ZooKeeper, grown and shrunk under statspipe traffic, with no node's configuration
# edited by hand.
#
#  1. Network namespaces of its own joined by a bridge (10.78.0.0/24, nothing on the host's network):
#     "ops" (ZooKeeper, KairosDB, `statspipe up`, the traffic), c1..c5 (a Cassandra 5.0 node each, with
#     statspipe's seed provider on its classpath and `statspipe ring firewall` beside it), "out" (an
#     address outside the ring).
#  2. c1, c2 (the seeds of an empty ring) and c3 start; each cassandra.yaml is written once, before
#     the node's first start, from `statspipe ring join`'s seed_provider section. KairosDB keeps its
#     keyspace at replication factor 3 and reads and writes at QUORUM; traffic flows through
#     `statspipe up` (its agent, Kafka and topology) into KairosDB on the ring.
#  3. The outsider is refused on the internode port 7000 (and the client port 9042) by the nftables
#     rules `statspipe ring firewall` keeps; a member reaches 7000.
#  4. Grow: c4 joins (refused on 7000 before it registers, admitted after; it bootstraps).
#  5. Replace a dead seed: kill -9 c1 and its host's firewall loop; the registry names a new seed;
#     `statspipe ring reload-seeds` on every live node; c5 starts with replace_address_first_boot=c1.
#  6. Decommission: `statspipe ring leave --id c2` (allowed), `nodetool decommission` on c2, stop it;
#     `statspipe ring leave --id c3` is then refused (the ring would go below replication factor 3).
#  7. The traffic stops; every bucket's count and sum is read back from KairosDB and compared with
#     what the agent acknowledged.
# Every process it starts is stopped by PID, the namespaces (and their nftables rules) removed.
# Prints RING REHEARSAL PASS or FAIL; exits 0 only on PASS.
#
# Usage: scripts/ring-rehearsal.sh [--rate N] [--seed N] [--keep]
#   --rate  events per second sent while the ring changes (default 200)
#   --seed  seed of the traffic (default: random, printed)
#   --keep  keep the nodes' data after a PASS; the logs in target/ring-rehearsal/logs are always kept
# Needs: root (network namespaces, nft), iproute2, Java 17, Maven Central for the build. Installs
# Debian's nftables package when `nft` is missing. Takes 10-25 minutes; not part of ./mvnw verify.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="$here/target/ring-rehearsal"

rate=200
seed=$(( (RANDOM << 15) | RANDOM ))
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ring-rehearsal: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s [ring] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "ring-rehearsal: needs root (network namespaces and nft)" >&2; exit 2; }
command -v ip >/dev/null || { echo "ring-rehearsal: needs ip (iproute2)" >&2; exit 2; }
if ! command -v nft >/dev/null; then
  echo "ring-rehearsal: nft is missing; installing Debian's nftables package"
  apt-get install -y --no-install-recommends nftables >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends nftables >/dev/null; }
fi

started=$(date +%s)
rm -rf "$work"
mkdir -p "$work/logs"
say "building statspipe and the rehearsal harness"
./mvnw -B -q -pl app -am package -DskipTests dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/app.classpath"
app_cp="$here/app/target/classes:$(cat "$work/app.classpath")"
harness_cp="$here/app/target/test-classes:$app_cp"
java_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true)
harness=(java "${java_opts[@]}" -Xmx256m -Dlog4j2.configurationFile=log4j2-test.xml -cp "$harness_cp"
  io.statspipe.app.cluster.ClusterRehearsal)
# Cassandra's Java 17 flags and classpath (its jars, then the seed provider's), one per line.
mapfile -t cassandra_jvm < <("${harness[@]}" cassandra-jvm --logback "$work/cassandra-logback.xml")
[ "${#cassandra_jvm[@]}" -gt 2 ] || fail "could not get the Cassandra node's JVM options"

# --- the network: namespaces on a bridge of their own -------------------------------------------------
NS=sp-ring
SUBNET=10.78.0
declare -A address=([ops]=$SUBNET.2 [out]=$SUBNET.99 [c1]=$SUBNET.11 [c2]=$SUBNET.12 [c3]=$SUBNET.13
  [c4]=$SUBNET.14 [c5]=$SUBNET.15)
hosts=(ops out c1 c2 c3 c4 c5)
ZK="${address[ops]}:2181"
KAIROS_PORT=18080
API_PORT=18070

declare -A pids=()   # name -> PID of every process started here
result=1

alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

stop_pids() { # what seconds pid... : SIGTERM, then SIGKILL to whichever is left after the given time
  local what="$1" seconds="$2" pid left; shift 2
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 $(( seconds * 5 ))); do
    left=""; for pid in "$@"; do alive "$pid" && left="$left $pid"; done
    [ -z "$left" ] && return 0
    sleep 0.2
  done
  say "$what (PID$left) did not stop on SIGTERM within $seconds s: SIGKILL"
  kill -KILL $left 2>/dev/null || true
}

stop() { # name seconds
  if [ -n "${pids[$1]:-}" ]; then
    stop_pids "$1" "$2" "${pids[$1]}"
    unset "pids[$1]"
  fi
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  stop traffic 10
  stop statspipe 90
  stop kairosdb 40
  for name in "${!pids[@]}"; do [[ "$name" == firewall-* ]] && stop "$name" 10; done
  local nodes=""
  for name in c1 c2 c3 c4 c5; do nodes="$nodes ${pids[$name]:-}"; unset "pids[$name]"; done
  [ -n "${nodes// /}" ] && stop_pids "Cassandra nodes" 60 $nodes
  for name in "${!pids[@]}"; do stop "$name" 10; done
  local left="" host
  for host in "${hosts[@]}"; do
    ip netns pids "$NS-$host" >/dev/null 2>&1 && left="$left $(ip netns pids "$NS-$host")"
  done
  left=$(echo $left)
  if [ -n "$left" ]; then
    say "still running in the namespaces after the stop: $left (ending with SIGKILL)"
    kill -KILL $left 2>/dev/null
  else
    say "every process started by the rehearsal has stopped"
  fi
  for host in "${hosts[@]}"; do
    ip -n "$NS-$host" link show >/dev/null 2>&1 || continue
    ip netns exec "$NS-$host" nft delete table inet statspipe_ring 2>/dev/null
    ip netns del "$NS-$host"
  done
  ip netns del "$NS-hub" 2>/dev/null
  say "namespaces and their nftables rules removed"
  if [ "$result" = 0 ] && [ "$keep" = 0 ]; then
    rm -rf "$work"/c? "$work/kairosdb" "$work/statspipe-data" "$work/zookeeper"
  fi
  [ "$result" = 0 ] || say "logs kept in $work/logs"
  exit $(( code != 0 ? code : result ))
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Namespaces left by an interrupted run of this script (same names) go first.
for host in "${hosts[@]}" hub; do ip netns del "$NS-$host" 2>/dev/null || true; done
ip netns add "$NS-hub"
ip -n "$NS-hub" link add br0 type bridge
ip -n "$NS-hub" link set br0 up
for host in "${hosts[@]}"; do
  ip netns add "$NS-$host"
  ip -n "$NS-hub" link add "v-$host" type veth peer name eth0 netns "$NS-$host"
  ip -n "$NS-hub" link set "v-$host" master br0 up
  ip -n "$NS-$host" addr add "${address[$host]}/24" dev eth0
  ip -n "$NS-$host" link set eth0 up
  ip -n "$NS-$host" link set lo up
done
say "namespaces $NS-{$(IFS=,; echo "${hosts[*]}")} on bridge $NS-hub/br0, addresses $SUBNET.0/24"

# Processes started with & are commands (ip netns exec, then exec), never functions: a function run
# with & is a subshell, and $! would be the subshell's PID instead of the JVM's. Each is disowned
# (stopped by PID here, not by the shell's job control), but the traffic, whose exit status counts.
in_ns() { local host="$1"; shift; ip netns exec "$NS-$host" "$@"; }
sp=(env STATSPIPE_CLASSPATH="$app_cp" STATSPIPE_JAVA_OPTS="-Xmx96m ${java_opts[*]}" ./statspipe)
statspipe() { # host args... : the statspipe command line, run in that host's namespace
  local host="$1"; shift
  in_ns "$host" "${sp[@]}" "$@"
}
reaches() { # from-host to-address port: does a TCP connection get through within 3 s?
  in_ns "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}
refused() { ! reaches "$@"; }
await() { # what seconds command...: until the command succeeds
  local what="$1" seconds="$2" deadline=$(( $(date +%s) + $2 )); shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within $seconds s"
    sleep 1
  done
}
await_line() { # file pattern seconds what
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { tail -20 "$1"; fail "$4 not seen within $3 s ($1)"; }
    sleep 1
  done
}
# `ring status` exits 1 when something disagrees (e.g. fewer members than the replication factor):
# shown, not fatal.
ring_status() { { statspipe ops ring status --zookeeper "$ZK" || true; } | sed 's/^/    /'; }
gone_from_registry() { # id
  local status
  status=$(statspipe ops ring status --zookeeper "$ZK" || true)
  ! grep -q "^  $1 " <<< "$status"
}
nodetool() { # host args...
  in_ns "$1" java "${cassandra_jvm[@]}" -Xmx128m -Dlogback.configurationFile="$work/quiet-logback.xml" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p 7199 "${@:2}"
}
ring_nodes() { # host: the ring as that node sees it, with each node's effective share of keyspace kairosdb
  nodetool "$1" status kairosdb 2>&1 | grep -E "^(--|UN|DN|UJ|UL|DL|UM|DM) " | sed 's/^/    /'
}
cat > "$work/quiet-logback.xml" <<'EOF'
<configuration><root level="WARN"/></configuration>
EOF

# --- the registry (ZooKeeper) and the KairosDB host's registration -----------------------------------
cat > "$work/zoo.cfg" <<EOF
tickTime=1000
dataDir=$work/zookeeper
clientPort=2181
clientPortAddress=${address[ops]}
admin.enableServer=false
EOF
ip netns exec "$NS-ops" java "${java_opts[@]}" -Xmx128m -Dzookeeper.admin.enableServer=false -cp "$app_cp" \
  org.apache.zookeeper.server.ZooKeeperServerMain "$work/zoo.cfg" > "$work/logs/zookeeper.log" 2>&1 &
pids[zookeeper]=$!
disown
await "ZooKeeper at $ZK" 60 reaches ops "${address[ops]}" 2181
ip netns exec "$NS-ops" "${sp[@]}" ring join --zookeeper "$ZK" --kairosdb --id kairos1 --address "${address[ops]}" --hold \
  > "$work/logs/kairos-registration.log" 2>&1 &
pids[kairos-registration]=$!
disown
await_line "$work/logs/kairos-registration.log" "registered KairosDB host" 60 "the KairosDB host's registration"
say "ZooKeeper ${pids[zookeeper]} at $ZK; KairosDB host ${address[ops]} registered (PID ${pids[kairos-registration]})"

# --- Cassandra nodes ---------------------------------------------------------------------------------
# A node's cassandra.yaml: the same settings for every node but its own address, and the seed_provider
# section `statspipe ring join` prints for it. Written once, before the node's first start.
write_yaml() { # id seed-provider-section
  local id="$1" dir="$work/$1"
  mkdir -p "$dir/conf" "$dir/tmp"
  cat > "$dir/conf/cassandra.yaml" <<EOF
# written by scripts/ring-rehearsal.sh before the node's first start; never edited afterwards
cluster_name: statspipe-ring-rehearsal
num_tokens: 8
allocate_tokens_for_local_replication_factor: 3
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
listen_address: ${address[$id]}
rpc_address: ${address[$id]}
storage_port: 7000
native_transport_port: 9042
start_native_transport: true
data_file_directories:
  - $dir/data
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
disk_access_mode: mmap_index_only
concurrent_reads: 4
concurrent_writes: 4
concurrent_counter_writes: 4
concurrent_compactors: 1
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
key_cache_size: 8MiB
auto_snapshot: false
dynamic_snitch: false
$2
EOF
}

start_firewall() { # id: `statspipe ring firewall` on the node's host, as an operator runs it beside Cassandra
  ip netns exec "$NS-$1" "${sp[@]}" ring firewall --zookeeper "$ZK" --member "$1" --every PT1S > "$work/logs/firewall-$1.log" 2>&1 &
  pids[firewall-$1]=$!
  disown
}

join_and_start() { # id [join option] [JVM option]: the operator's steps for a new node (docs/RING.md, "Add a node")
  local id="$1" join_option="${2:-}" jvm_option="${3:-}" dir="$work/$1" section
  statspipe "$id" ring join --zookeeper "$ZK" --id "$id" --address "${address[$id]}" $join_option \
    > "$work/logs/join-$id.log" 2>&1 || { cat "$work/logs/join-$id.log"; fail "statspipe ring join refused $id"; }
  head -1 "$work/logs/join-$id.log" | sed 's/^/    /'
  section=$(sed -n '/^seed_provider:/,$p' "$work/logs/join-$id.log")
  [ -n "$section" ] || fail "statspipe ring join printed no seed_provider section for $id"
  write_yaml "$id" "$section"
  start_firewall "$id"
  ip netns exec "$NS-$id" java "${cassandra_jvm[@]}" -Xms640m -Xmx640m -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true \
    -Dcassandra.config="file://$dir/conf/cassandra.yaml" -Dcassandra-foreground=yes \
    -Dcassandra.storagedir="$dir" -Dcassandra.logdir="$dir/logs" \
    -Dcassandra.ring_delay_ms=5000 -Dcassandra.jmx.local.port=7199 -Djava.io.tmpdir="$dir/tmp" $jvm_option \
    org.apache.cassandra.service.CassandraDaemon > "$work/logs/$id.log" 2>&1 &
  pids[$id]=$!
  disown
  say "started Cassandra $id at ${address[$id]} (PID ${pids[$id]})${jvm_option:+ with $jvm_option}"
}

await_node() { # id: until its CQL port answers the KairosDB host (a joining node opens it once it has joined)
  local id="$1" deadline=$(( $(date +%s) + 900 ))
  until reaches ops "${address[$id]}" 9042; do
    alive "${pids[$id]}" || { tail -30 "$work/logs/$id.log"; fail "Cassandra $id exited (log: $work/logs/$id.log)"; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -30 "$work/logs/$id.log"; fail "Cassandra $id did not open 9042 in 900 s"; }
    sleep 2
  done
  say "Cassandra $id is up: CQL at ${address[$id]}:9042; $(grep -o 'registered [^ ]* at [^ ]* in the ring.s registry' "$work/logs/$id.log" | head -1)"
}

# The empty ring's first nodes are its seeds (--new-ring); c3 is the first that bootstraps.
join_and_start c1 --new-ring
await_node c1
join_and_start c2 --new-ring
await_node c2
join_and_start c3
await_node c3
say "ring of 3:"
ring_status

# --- KairosDB on the ring (RF 3, QUORUM) and statspipe traffic into it -------------------------------
ip netns exec "$NS-ops" "${harness[@]}" kairosdb --dir "$work/kairosdb" --port $KAIROS_PORT --heap-mb 384 --start-timeout PT5M \
  --cassandra "${address[c1]}:9042,${address[c2]}:9042,${address[c3]}:9042" --replication-factor 3 \
  > "$work/logs/kairosdb.log" 2>&1 &
pids[kairosdb]=$!
disown
await_line "$work/logs/kairosdb.log" "kairosdb ready" 330 "KairosDB"
replication=$(grep -o "write_cluster.replication.*" "$work/kairosdb/conf/kairosdb.conf")
say "KairosDB on the ring: $(grep -o 'kairosdb ready.*' "$work/logs/kairosdb.log"); $replication;" \
  "$(grep -o 'read_consistency_level.*' "$work/kairosdb/conf/kairosdb.conf"), $(grep -o 'write_consistency_level.*' "$work/kairosdb/conf/kairosdb.conf")"

cat > "$work/statspipe.conf" <<EOF
statspipe {
  data-dir = "$work/statspipe-data"
  api { port = $API_PORT }
  statsd { port = 18125 }
  event-log { port = 19092, controller-port = 19093 }
  store { engine = "kairosdb", url = "http://127.0.0.1:$KAIROS_PORT" }
  topology { flush-interval = 2s, coarse-flush-interval = 6s }
}
EOF
ip netns exec "$NS-ops" env STATSPIPE_CLASSPATH="$app_cp" STATSPIPE_JAVA_OPTS="-Xmx768m ${java_opts[*]}" \
  ./statspipe up --config "$work/statspipe.conf" > "$work/logs/statspipe.log" 2>&1 &
pids[statspipe]=$!
disown
await_line "$work/logs/statspipe.log" "statspipe is up" 300 "statspipe up"
say "statspipe up (PID ${pids[statspipe]}): agent, Kafka and topology in one process, storing into KairosDB on the ring"
ip netns exec "$NS-ops" "${harness[@]}" traffic --agent "http://127.0.0.1:$API_PORT" --batch 100 --events 100000000 \
  --seconds $(( 100000000 / rate )) --seed "$seed" --stop-file "$work/stop-traffic" --expected "$work/expected.tsv" \
  > "$work/logs/traffic.log" 2>&1 &
pids[traffic]=$!
say "traffic: $rate events/s through statspipe's HTTP ingest (seed $seed), until the ring's changes are done"

# --- the firewall: an outsider refused, a member admitted ------------------------------------------
for id in c1 c2 c3; do
  await "$id's firewall enforcing the membership" 60 grep -q "enforced: " "$work/logs/firewall-$id.log"
done
reaches out "${address[c1]}" 7000 && fail "the outsider ${address[out]} reaches c1's internode port 7000"
say "outsider ${address[out]} -> c1:7000 refused (internode port; dropped by c1's nftables rules)"
reaches out "${address[c1]}" 9042 && fail "the outsider ${address[out]} reaches c1's client port 9042"
say "outsider ${address[out]} -> c1:9042 refused (client port)"
reaches c2 "${address[c1]}" 7000 || fail "member c2 does not reach c1's internode port 7000"
say "member c2 -> c1:7000 admitted"
statspipe c1 ring status --zookeeper "$ZK" --firewall-of c1 | grep -E "^firewall of c1|agree|disagrees" | sed 's/^/    /' \
  || fail "c1's nftables rules disagree with the membership"

# --- grow to 4 -----------------------------------------------------------------------------------------
reaches c4 "${address[c1]}" 7000 && fail "c4 reaches c1:7000 before it is a member"
say "c4 (not yet a member) -> c1:7000 refused"
join_and_start c4
await "c1's firewall admitting c4" 300 grep -q "${address[c4]} should be admitted" "$work/logs/firewall-c1.log"
reaches c4 "${address[c1]}" 7000 || fail "c4 is registered but not admitted to c1:7000"
say "c4 (registered by its seed provider) -> c1:7000 admitted: $(grep -m1 "${address[c4]}" "$work/logs/firewall-c1.log")"
await_node c4
say "ring of 4 (c4 bootstrapped); nodetool status kairosdb (Owns = effective, RF 3 over the nodes):"
ring_nodes c2
ring_status

# --- replace a dead seed ------------------------------------------------------------------------------
dead=${pids[c1]}
say "kill -9 seed c1 (PID $dead) and its host's firewall loop (PID ${pids[firewall-c1]})"
kill -KILL "$dead" "${pids[firewall-c1]}"
unset 'pids[c1]' 'pids[firewall-c1]'
await "c1's registration expiring" 120 gone_from_registry c1
say "the registry no longer lists c1:"
ring_status
say "statspipe ring reload-seeds on every live node (a dead seed is only marked down in gossip):"
for id in c2 c3 c4; do
  statspipe "$id" ring reload-seeds --jmx 127.0.0.1:7199 | sed "s/^127.0.0.1:7199/    $id/" \
    || fail "reload-seeds on $id"
done
join_and_start c5 "" "-Dcassandra.replace_address_first_boot=${address[c1]}"
await_node c5
say "c5 replaced c1 (took its tokens):"
ring_nodes c2

# --- decommission a node ------------------------------------------------------------------------------
statspipe ops ring leave --zookeeper "$ZK" --id c2 | sed 's/^/    /' || fail "statspipe ring leave refused c2"
say "nodetool decommission on c2"
nodetool c2 decommission > "$work/logs/decommission-c2.log" 2>&1 || { cat "$work/logs/decommission-c2.log"; fail "decommission of c2"; }
stop c2 60
stop firewall-c2 10
say "c2 decommissioned and stopped"
await "c2's registration ending" 120 gone_from_registry c2
ring_nodes c3
ring_status
await "c3's firewall no longer admitting c2" 60 refused c2 "${address[c3]}" 7000
say "c2 (no longer a member) -> c3:7000 refused: $(grep -m1 "${address[c2]} is admitted" "$work/logs/firewall-c3.log")"
for id in c3 c4 c5; do
  statspipe "$id" ring status --zookeeper "$ZK" --firewall-of "$id" > "$work/logs/firewall-status-$id.log" 2>&1 \
    || { cat "$work/logs/firewall-status-$id.log"; fail "$id's nftables rules disagree with the membership"; }
  grep "agree" "$work/logs/firewall-status-$id.log" | sed 's/^/    /'
done
if statspipe ops ring leave --zookeeper "$ZK" --id c3 > "$work/logs/leave-c3.log" 2>&1; then
  fail "statspipe ring leave let c3 go below the replication factor"
fi
say "statspipe ring leave --id c3: $(grep -o 'refused.*' "$work/logs/leave-c3.log")"

# --- the comparison -----------------------------------------------------------------------------------
touch "$work/stop-traffic"
wait "${pids[traffic]}" || { unset 'pids[traffic]'; tail -5 "$work/logs/traffic.log"; fail "traffic"; }
unset 'pids[traffic]'
tail -1 "$work/logs/traffic.log" | sed 's/^/    /'
say "reading every bucket back from KairosDB on the ring (c3, c4, c5)"
set +e
in_ns ops "${harness[@]}" verify --kairos "http://127.0.0.1:$KAIROS_PORT" --expected "$work/expected.tsv" --timeout PT5M \
  > "$work/logs/verify.log" 2>&1
result=$?
set -e
grep '^verify:' "$work/logs/verify.log" | sed 's/^/    /'
elapsed=$(( $(date +%s) - started ))
echo
if [ "$result" = 0 ]; then
  echo "RING REHEARSAL PASS: grown to 4, seed c1 killed and replaced by c5, c2 decommissioned, no configuration" \
    "edited by hand; outsider refused on 7000, c4 admitted; every bucket exact (seed $seed, ${elapsed}s in all)"
else
  echo "RING REHEARSAL FAIL (seed $seed): figures above; logs in $work/logs (${elapsed}s in all)"
fi
