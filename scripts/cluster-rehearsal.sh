#!/usr/bin/env bash
# The multi-process cluster rehearsal: ZooKeeper, Nimbus and a Supervisor as separate JVMs (a
# STORM_HOME assembled from Maven artifacts), a 3-node KRaft Kafka cluster (replication 3,
# min.insync.replicas 2), a KairosDB, the statspipe agent; the topology jar submitted with
# `statspipe submit` on 2 workers; traffic with exactly known figures while one Kafka broker and
# one Storm worker are killed with SIGKILL; then every bucket's count and sum read back and
# compared. Prints PASS or FAIL; exits 0 only on PASS.
#
# Storm's daemons and workers bind 0.0.0.0 (no setting changes that), so everything runs inside
# a private network namespace with loopback only, and a private PID namespace: whatever happens,
# no process of the rehearsal outlives it.
#
# Usage: scripts/cluster-rehearsal.sh [--events N] [--seconds S] [--seed N] [--keep] [--zombie]
#   --events   events sent through the agent (default 120000)
#   --seconds  how long the traffic lasts (default 60)
#   --seed     seed of the traffic's series, values and late batches (default: random, printed)
#   --keep     keep the engines' data (Kafka, KairosDB, Storm) after a PASS; the logs in
#              target/cluster-rehearsal/logs are always kept
#   --zombie   a zombie instead of the worker kill: a second Supervisor runs as the unprivileged
#              user statspipe-zombie (created when missing); an nftables rule cuts it and its worker
#              off from ZooKeeper and Nimbus while the worker keeps running, until Nimbus gave its
#              partitions to a worker of the first Supervisor; its log must show it was fenced.
#              The traffic (same rate) lasts until the zombie was reconnected and the broker killed.
# Needs: root for unshare, ip (iproute2), Java 17, and Maven Central for the build; --zombie also
# needs nft (Debian's nftables package is installed when missing) and useradd.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="$here/target/cluster-rehearsal"

events=120000
seconds=60
seed=$(( (RANDOM << 15) | RANDOM ))
keep=0
zombie=0
ZOMBIE_USER=statspipe-zombie
inside=0
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --zombie) zombie=1; shift ;;
    --inside-namespace) inside=1; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-rehearsal: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s [rehearsal] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# ---------------------------------------------------------------------------------------------
# Outside the namespace: build (the namespace has no network), then re-execute inside it.
# ---------------------------------------------------------------------------------------------
if [ "$inside" = 0 ]; then
  started=$(date +%s)
  if [ "$zombie" = 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "cluster-rehearsal: --zombie needs root (nft, useradd, a second user)" >&2; exit 2; }
    if ! command -v nft >/dev/null; then
      say "nft is missing; installing Debian's nftables package"
      apt-get install -y --no-install-recommends nftables >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends nftables >/dev/null; }
    fi
    if ! id -u "$ZOMBIE_USER" >/dev/null 2>&1; then
      say "creating the unprivileged user $ZOMBIE_USER for the second Supervisor"
      useradd --system --no-create-home --shell /usr/sbin/nologin "$ZOMBIE_USER"
    fi
  fi
  rm -rf "$work"
  mkdir -p "$work"
  say "building the topology jar, the classpaths and the rehearsal harness"
  # One reactor build: the topology jar (profile topology-jar) and app's test classpath, which
  # holds everything `statspipe submit`, `statspipe agent` and the harness need.
  ./mvnw -B -q -pl app -am package -DskipTests -Ptopology-jar dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/app.classpath"
  ./mvnw -B -q -f scripts/cluster-rehearsal/pom.xml package
  echo "$started" > "$work/started"
  say "entering a private network and PID namespace (loopback only)"
  # --kill-child: if unshare itself is killed, the script inside gets SIGTERM and cleans up; and
  # when the script (PID 1 of the namespace) ends, the kernel ends whatever is left in it.
  exec unshare --net --pid --fork --kill-child=SIGTERM --mount-proc "$0" --inside-namespace --seed "$seed" "${args[@]}"
fi

# ---------------------------------------------------------------------------------------------
# Inside the namespace.
# ---------------------------------------------------------------------------------------------
ip link set lo up
# The namespace must hold loopback only: the one thing that makes Storm's wildcard sockets local.
others=$(ip -o link show | awk -F': ' '$2 != "lo" {print $2}')
[ -z "$others" ] || { say "FAIL: the private network namespace has interfaces besides lo: $others"; exit 1; }

topology_jar="$here/app/target/app-0.1.0-SNAPSHOT-topology.jar"
app_cp="$here/app/target/classes:$(cat "$work/app.classpath")"
harness_cp="$here/app/target/test-classes:$app_cp"
storm_home="$work/storm-home"
storm_home_b="$work/storm-home-b"   # the second Supervisor's (--zombie), owned by $ZOMBIE_USER
kafka_cp="$(cat scripts/cluster-rehearsal/kafka-broker/target/classpath.txt)"
java_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true)

ZK_PORT=2181
NIMBUS_PORT=6627
SUPERVISOR_PORT=6628
WORKER_PORTS=(6700 6701)
SUPERVISOR_B_PORT=6629   # --zombie: the second Supervisor's Thrift port and its one slot
ZOMBIE_SLOT=6701
if [ "$zombie" = 1 ]; then
  WORKER_PORTS=(6700 6702)
fi
KAFKA_PORTS=(19091 19092 19093)
CONTROLLER_PORTS=(19191 19192 19193)
KAIROS_PORT=18080
AGENT_HTTP=18126
AGENT_STATSD=18125
BOOTSTRAP="127.0.0.1:${KAFKA_PORTS[0]},127.0.0.1:${KAFKA_PORTS[1]},127.0.0.1:${KAFKA_PORTS[2]}"
TOPOLOGY=statspipe-rehearsal

declare -A pids=()        # name -> PID of every process started here
topology_submitted=0
result=1

# Worker JVMs are started by the Supervisor, not by us: find them by their main class.
# (A worker runs under a LogWriter JVM whose arguments hold the worker's command line: skip those.)
worker_pids() { # [ps selection, default -e]
  local who=(-e); [ $# -gt 0 ] && who=("$@")
  ps -ww "${who[@]}" -o pid=,args= | awk '/org\.apache\.storm\.daemon\.worker\.Worker/ && !/org\.apache\.storm\.LogWriter/ && !/awk/ {print $1}'
}
storm_child_pids() { ps -ww -eo pid=,args= | awk '/org\.apache\.storm\.(daemon\.worker\.Worker|LogWriter)/ && !/awk/ {print $1}'; }

# Running: exists and is no zombie (kill -0 succeeds on a zombie, and a JVM killed with SIGKILL
# takes a moment to be torn down and reaped).
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

stop_pids() { # what pid... : SIGTERM to all at once, SIGKILL to whichever is left after 20 s
  local what="$1" pid alive; shift
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 100); do
    alive=""; for pid in "$@"; do alive "$pid" && alive="$alive $pid"; done
    [ -z "$alive" ] && return 0
    sleep 0.2
  done
  say "$what (PID$alive) did not stop on SIGTERM within 20 s: SIGKILL"
  kill -KILL $alive 2>/dev/null
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  if [ "$zombie" = 1 ]; then
    # Reconnected first, so that the second Supervisor hears of the kill and stops its worker.
    for table in statspipe_zombie_store statspipe_zombie; do
      nft list table inet "$table" >/dev/null 2>&1 && nft delete table inet "$table" && say "nftables table $table removed"
    done
  fi
  if [ "$topology_submitted" = 1 ] && [ -n "${pids[nimbus]:-}" ] && alive "${pids[nimbus]}"; then
    say "killing topology $TOPOLOGY through Nimbus"
    "${harness[@]}" kill-topology --name "$TOPOLOGY" --timeout PT30S >> "$work/logs/kill-topology.log" 2>&1 \
      && say "topology $TOPOLOGY killed" || say "could not kill topology $TOPOLOGY through Nimbus (see logs/kill-topology.log)"
    # The Supervisor then stops the workers; give it the time to before stopping it.
    for _ in $(seq 1 60); do [ -z "$(worker_pids)" ] && break; sleep 0.5; done
  fi
  for name in traffic agent supervisor supervisor-b; do
    [ -n "${pids[$name]:-}" ] && stop_pids "$name" "${pids[$name]}"
  done
  # Workers outlive their Supervisor: end them (and their log writers) by PID.
  local left_by_supervisor
  left_by_supervisor=$(storm_child_pids)
  if [ -n "$left_by_supervisor" ]; then
    say "stopping Storm worker processes left by the Supervisor: $(echo $left_by_supervisor)"
    stop_pids "Storm workers" $left_by_supervisor
  fi
  if [ "$zombie" = 1 ]; then
    local left_by_user
    left_by_user=$(ps -u "$ZOMBIE_USER" -o pid= 2>/dev/null)
    [ -z "$left_by_user" ] || { say "stopping processes of $ZOMBIE_USER: $(echo $left_by_user)"; stop_pids "$ZOMBIE_USER's processes" $left_by_user; }
  fi
  for name in nimbus kairosdb; do
    [ -n "${pids[$name]:-}" ] && stop_pids "$name" "${pids[$name]}"
  done
  # The brokers together: one stopping alone waits for a controller quorum the others are leaving.
  local brokers=""
  for name in kafka1 kafka2 kafka3; do brokers="$brokers ${pids[$name]:-}"; done
  [ -n "${brokers// /}" ] && stop_pids "Kafka brokers" $brokers
  [ -n "${pids[zookeeper]:-}" ] && stop_pids zookeeper "${pids[zookeeper]}"
  local left
  left=$(ps -eo pid=,comm= | awk -v me=$$ '$1 != me && $2 == "java" {print $1}')
  if [ -n "$left" ]; then
    say "still running after the stop: $(echo $left) (ending with SIGKILL)"
    kill -KILL $left 2>/dev/null
  else
    say "every process started by the rehearsal has stopped"
  fi
  if [ "$result" = 0 ] && [ "$keep" = 0 ]; then
    rm -rf "$work/storm-home/data" "$storm_home_b" "$work/kafka" "$work/kairosdb" "$work/spool"
  fi
  [ "$result" = 0 ] || say "logs kept in $work/logs"
  exit $(( code != 0 ? code : result ))
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Commands as arrays, not functions: a function run with & is a subshell, and $! would be the
# subshell's PID instead of the JVM's.
harness=(java "${java_opts[@]}" -Xmx256m -Dstorm.options="nimbus.seeds=[\"127.0.0.1\"],nimbus.thrift.port=$NIMBUS_PORT"
  -Dlog4j2.configurationFile=log4j2-test.xml -cp "$harness_cp" io.statspipe.app.cluster.ClusterRehearsal)

await_port() { # name port seconds
  local name="$1" port="$2" deadline=$(( $(date +%s) + $3 ))
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ -n "${pids[$name]:-}" ] && ! alive "${pids[$name]}"; then
      say "FAIL: $name exited before listening on $port; its log: $work/logs/$name.log"; tail -20 "$work/logs/$name.log"; exit 1
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: $name is not listening on $port after $3 s"; tail -20 "$work/logs/$name.log"; exit 1; }
    sleep 0.5
  done
}

await_line() { # file pattern seconds what
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: $4 not seen within $3 s ($1)"; tail -20 "$1"; exit 1; }
    sleep 0.5
  done
}

mkdir -p "$work/logs" "$storm_home"/{lib,lib-worker,conf,log4j2,data} "$work/kafka"

# --- STORM_HOME from the Maven artifacts ---------------------------------------------------------
for jar in $(tr ':' ' ' < scripts/cluster-rehearsal/storm-daemons/target/classpath.txt); do ln -sf "$jar" "$storm_home/lib/"; done
for jar in $(tr ':' ' ' < scripts/cluster-rehearsal/storm-worker/target/classpath.txt); do ln -sf "$jar" "$storm_home/lib-worker/"; done
storm_yaml() { # storm-home log-dir supervisor-port slot...
  local home="$1" log_dir="$2" port="$3"; shift 3
  local slots="$*"
  cat <<EOF
# written by scripts/cluster-rehearsal.sh: one machine, 127.0.0.1 everywhere
storm.zookeeper.servers: ["127.0.0.1"]
storm.zookeeper.port: $ZK_PORT
nimbus.seeds: ["127.0.0.1"]
nimbus.thrift.port: $NIMBUS_PORT
supervisor.thrift.port: $port
storm.local.hostname: "127.0.0.1"
storm.local.dir: "$home/data"
storm.log.dir: "$log_dir"
supervisor.slots.ports: [${slots// /, }]
worker.heap.memory.mb: 320
worker.childopts: "-Xmx%HEAP-MEM%m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true"
topology.worker.logwriter.childopts: "-Xmx32m -XX:+UseSerialGC"
supervisor.worker.start.timeout.secs: 120
nimbus.monitor.freq.secs: 2
EOF
}
storm_yaml "$storm_home" "$work/logs" $SUPERVISOR_PORT "${WORKER_PORTS[@]}" > "$storm_home/conf/storm.yaml"
if [ "$zombie" = 1 ]; then
  # Nimbus reads this file: give a silent Supervisor's executors away after 20 s instead of 30-60.
  printf '%s\n' "nimbus.task.timeout.secs: 20" "nimbus.supervisor.timeout.secs: 20" >> "$storm_home/conf/storm.yaml"
fi
cat > "$storm_home/log4j2/cluster.xml" <<'EOF'
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="${sys:storm.log.dir}/${sys:logfile.name}">
      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5p %c{1} [%t] %m%n"/>
    </File>
  </Appenders>
  <Loggers><Root level="info"><AppenderRef ref="file"/></Root></Loggers>
</Configuration>
EOF
cat > "$storm_home/log4j2/worker.xml" <<'EOF'
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="${sys:workers.artifacts}/${sys:storm.id}/${sys:worker.port}/${sys:logfile.name}">
      <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5p %c{1} [%t] %m%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.kafka" level="warn"/>
    <Root level="info"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
EOF
storm_daemon() { # name main-class [storm-home log-dir user]
  local home="${3:-$storm_home}" log_dir="${4:-$work/logs}" as_user=()
  # setpriv execs (no child of its own), so $! is the JVM's PID
  [ -z "${5:-}" ] || as_user=(setpriv --reuid="$(id -u "$5")" --regid="$(id -g "$5")" --clear-groups env HOME="$home")
  "${as_user[@]}" java "${java_opts[@]}" -Xmx256m -Dstorm.home="$home" -Dstorm.log.dir="$log_dir" -Dlogfile.name="$1.log" \
    -Dlog4j.configurationFile="$home/log4j2/cluster.xml" -Dstorm.conf.file=storm.yaml \
    -cp "$home/lib/*:$home/conf" "$2" >> "$log_dir/$1.out" 2>&1 &
  pids[$1]=$!
  disown
}

if [ "$zombie" = 1 ]; then
  # The second Supervisor's STORM_HOME, owned by its user: copies of the jars (the local Maven
  # repository is not readable to other users), its own slot, Thrift port, local and log folders.
  # Its ZooKeeper client retries for minutes instead of seconds: a Storm daemon or worker exits when a
  # ZooKeeper call fails, and the point is a worker that lives on while it is cut off.
  mkdir -p "$storm_home_b"/{lib,lib-worker,conf,log4j2,data} "$work/logs/supervisor-b"
  cp -L $(tr ':' ' ' < scripts/cluster-rehearsal/storm-daemons/target/classpath.txt) "$storm_home_b/lib/"
  cp -L $(tr ':' ' ' < scripts/cluster-rehearsal/storm-worker/target/classpath.txt) "$storm_home_b/lib-worker/"
  cp "$storm_home"/log4j2/*.xml "$storm_home_b/log4j2/"
  { storm_yaml "$storm_home_b" "$work/logs/supervisor-b" $SUPERVISOR_B_PORT $ZOMBIE_SLOT
    echo "storm.zookeeper.retry.times: 60"; } > "$storm_home_b/conf/storm.yaml"
  chown -R "$ZOMBIE_USER:" "$storm_home_b" "$work/logs/supervisor-b"
fi

# --- ZooKeeper (Storm's shaded server) -----------------------------------------------------------
cat > "$work/zoo.cfg" <<EOF
tickTime=2000
dataDir=$work/zookeeper
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
EOF
java "${java_opts[@]}" -Xmx128m -Dzookeeper.admin.enableServer=false -cp "$storm_home/lib/*" \
  org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServerMain "$work/zoo.cfg" > "$work/logs/zookeeper.log" 2>&1 &
pids[zookeeper]=$!
disown

# --- Kafka: 3 KRaft nodes, each controller and broker ----------------------------------------------
cat > "$work/kafka/log4j2.xml" <<'EOF'
<Configuration status="warn">
  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%d{HH:mm:ss.SSS} %-5p %c{1} - %m%n"/></Console></Appenders>
  <Loggers><Root level="warn"><AppenderRef ref="out"/></Root>
    <Logger name="kafka.server.KafkaRaftServer" level="info"/><Logger name="kafka.server.BrokerServer" level="info"/></Loggers>
</Configuration>
EOF
voters="1@127.0.0.1:${CONTROLLER_PORTS[0]},2@127.0.0.1:${CONTROLLER_PORTS[1]},3@127.0.0.1:${CONTROLLER_PORTS[2]}"
kafka=(java "${java_opts[@]}" -Xmx256m -Dlog4j2.configurationFile="$work/kafka/log4j2.xml" -cp "$kafka_cp")
cluster_id=$("${kafka[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
for n in 1 2 3; do
  cat > "$work/kafka/server$n.properties" <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORTS[$((n-1))]},CONTROLLER://127.0.0.1:${CONTROLLER_PORTS[$((n-1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORTS[$((n-1))]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$work/kafka/data$n
num.partitions=4
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
EOF
  "${kafka[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$work/kafka/server$n.properties" > "$work/logs/kafka$n-format.log" 2>&1
  "${kafka[@]}" kafka.Kafka "$work/kafka/server$n.properties" > "$work/logs/kafka$n.log" 2>&1 &
  pids[kafka$n]=$!
  disown
done

# --- KairosDB (LocalKairosDb, on H2) --------------------------------------------------------------
"${harness[@]}" kairosdb --dir "$work/kairosdb" --port $KAIROS_PORT > "$work/logs/kairosdb.log" 2>&1 &
pids[kairosdb]=$!
disown

await_port zookeeper $ZK_PORT 60
storm_daemon nimbus org.apache.storm.daemon.nimbus.Nimbus
storm_daemon supervisor org.apache.storm.daemon.supervisor.Supervisor
if [ "$zombie" = 1 ]; then
  storm_daemon supervisor-b org.apache.storm.daemon.supervisor.Supervisor "$storm_home_b" "$work/logs/supervisor-b" "$ZOMBIE_USER"
fi
for n in 1 2 3; do await_port kafka$n "${KAFKA_PORTS[$((n-1))]}" 90; done
await_port nimbus $NIMBUS_PORT 90
await_line "$work/logs/kairosdb.log" "kairosdb ready" 150 "KairosDB"
say "started: ZooKeeper ${pids[zookeeper]}, Nimbus ${pids[nimbus]}, Supervisor ${pids[supervisor]}," \
  "Kafka ${pids[kafka1]} ${pids[kafka2]} ${pids[kafka3]}, KairosDB $(sed -n 's/.*pid=//p' "$work/logs/kairosdb.log")"
if [ "$zombie" = 1 ]; then
  say "second Supervisor ${pids[supervisor-b]} as user $ZOMBIE_USER (slot $ZOMBIE_SLOT, Thrift port $SUPERVISOR_B_PORT);" \
    "the first one has slots ${WORKER_PORTS[*]}"
  # Submitted before both registered, the topology would get both workers on the first Supervisor.
  "${harness[@]}" supervisors --count 2 --timeout PT120S > "$work/logs/supervisors.log" 2>&1 \
    || { say "FAIL: Nimbus does not list both Supervisors"; tail -5 "$work/logs/supervisors.log"; exit 1; }
  sed 's/^/    /' "$work/logs/supervisors.log"
fi

# --- the topology, submitted like on any cluster --------------------------------------------------
cat > "$work/cluster.conf" <<EOF
statspipe {
  data-dir = "$work/statspipe-data"
  event-log { engine = "kafka", bootstrap-servers = "$BOOTSTRAP", partitions = 4 }
  store     { engine = "kairosdb", url = "http://127.0.0.1:$KAIROS_PORT" }
  topology  { engine = "cluster", name = "$TOPOLOGY", rollup-parallelism = 2, workers = 2, flush-interval = 2s, coarse-flush-interval = 6s }
}
EOF
say "submitting $topology_jar ($(du -m "$topology_jar" | cut -f1) MB) to Nimbus with statspipe submit"
STATSPIPE_CLASSPATH="$app_cp" STATSPIPE_JAVA_OPTS="-Xmx256m -Dstorm.jar=$topology_jar -Dstorm.options=nimbus.seeds=[\"127.0.0.1\"],nimbus.thrift.port=$NIMBUS_PORT" \
  ./statspipe submit --config "$work/cluster.conf" > "$work/logs/submit.log" 2>&1 || { say "FAIL: statspipe submit"; tail -30 "$work/logs/submit.log"; exit 1; }
topology_submitted=1
grep "statspipe submit:" "$work/logs/submit.log" | sed 's/^/    /'

deadline=$(( $(date +%s) + 150 ))
until [ "$(worker_pids | wc -l)" -ge 2 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: the Supervisor did not start 2 workers in 150 s"; tail -30 "$work/logs/supervisor.log"; exit 1; }
  sleep 1
done
say "2 workers running: PIDs $(echo $(worker_pids))"
if [ "$zombie" = 1 ]; then
  zombie_worker=$(worker_pids -u "$ZOMBIE_USER")
  [ "$(echo "$zombie_worker" | wc -w)" = 1 ] \
    || { say "FAIL: Storm did not spread the 2 workers over both Supervisors (second Supervisor's: '$zombie_worker')"; exit 1; }
fi

# --- the agent ----------------------------------------------------------------------------------
STATSPIPE_CLASSPATH="$app_cp" STATSPIPE_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" ./statspipe agent --kafka "$BOOTSTRAP" \
  --replication 3 --partitions 4 --spool "$work/spool" --http-port $AGENT_HTTP --statsd-port $AGENT_STATSD \
  > "$work/logs/agent.log" 2>&1 &
pids[agent]=$!
disown
await_line "$work/logs/agent.log" "statspipe agent ready" 60 "the agent"

# --- traffic, and the two kills while it flows -----------------------------------------------------
ss -ltunp > "$work/logs/listeners.txt"
say "listening (inside the namespace only): $(awk 'NR > 1 {print $5}' "$work/logs/listeners.txt" | sort -u | tr '\n' ' ')"
# Everything of ours binds 127.0.0.1; only Storm's Nimbus, Supervisor and worker ports may be
# wildcards (Storm has no setting for their address), and only inside this namespace.
wildcard_allowed=" $NIMBUS_PORT $SUPERVISOR_PORT ${WORKER_PORTS[*]} "
[ "$zombie" = 0 ] || wildcard_allowed="$wildcard_allowed$SUPERVISOR_B_PORT $ZOMBIE_SLOT "
while read -r address; do
  port="${address##*:}"
  case "$address" in
    127.0.0.1:*|"[::ffff:127.0.0.1]:"*|"[::1]:"*) ;;
    *) [[ "$wildcard_allowed" == *" $port "* ]] || { say "FAIL: $address is not a loopback listener"; exit 1; } ;;
  esac
done < <(awk 'NR > 1 {print $5}' "$work/logs/listeners.txt" | sort -u)
traffic_options=(--events "$events" --seconds "$seconds")
if [ "$zombie" = 1 ]; then
  # The same rate, for as long as the zombie step takes (up to five times --seconds): stopped by a file.
  traffic_options=(--events $(( events * 5 )) --seconds $(( seconds * 5 )) --stop-file "$work/stop-traffic")
  say "traffic: $events events per $seconds s through the agent's HTTP ingest until the zombie step is over (seed $seed)"
else
  say "traffic: $events events through the agent's HTTP ingest over $seconds s (seed $seed)"
fi
"${harness[@]}" traffic --agent "http://127.0.0.1:$AGENT_HTTP" "${traffic_options[@]}" --seed "$seed" \
  --expected "$work/expected.tsv" > "$work/logs/traffic.log" 2>&1 &
pids[traffic]=$!

kill_broker() { # when: kill -9 of Kafka broker 2, which stays down
  say "kill -9 Kafka broker 2, PID ${pids[kafka2]} ($1); it stays down"
  kill -KILL "${pids[kafka2]}"
  killed_broker=${pids[kafka2]}
  unset 'pids[kafka2]'
  for _ in $(seq 1 50); do alive "$killed_broker" || break; sleep 0.2; done
  alive "$killed_broker" && { say "FAIL: Kafka broker $killed_broker still running 10 s after SIGKILL"; exit 1; }
  return 0
}

# --zombie: the second Supervisor and its worker cut off from ZooKeeper and Nimbus by nftables rules
# matching the user's uid (meta skuid; Kafka stays reachable, so the worker keeps counting), and Nimbus
# cut off from that Supervisor's Thrift port (else it would tell the Supervisor to stop the worker).
# Until a worker of the first Supervisor has taken the zombie's partitions over, KairosDB refuses the
# zombie's connections too: its flush in flight then waits for the store (retrying, as in an outage)
# and is certain to try to write after the takeover, wherever Storm placed the spout.
# Otherwise, with the spout on the other worker, the zombie gets no tuples once Nimbus reassigned,
# and its last flush can complete before its successor has even started.
zombie_step() {
  local zombie_log zuid parts parts_re cut_at cut_s taken_at fenced_at n
  local deadline=$(( $(date +%s) + 90 ))
  until zombie_log=$(ls "$work"/logs/supervisor-b/workers-artifacts/*/$ZOMBIE_SLOT/worker.log 2>/dev/null | head -1) \
      && [ -n "$zombie_log" ] && grep -q "taken over" "$zombie_log"; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: the second Supervisor's worker took no partition over within 90 s"; exit 1; }
    sleep 0.5
  done
  await_line "$work/logs/traffic.log" "(5%)" $(( seconds + 60 )) "the traffic's first 5%"
  parts=$(sed -n 's/.*partition \([0-9]*\) taken over.*/\1/p' "$zombie_log" | sort -un | paste -sd' ')
  parts_re="partition (${parts// /|}) taken over"
  # Log lines carry the JVMs' local time of day: compare with that.
  since_cut() { awk -v t="$cut_at" 'substr($0, 1, 8) >= t' "$@" 2>/dev/null; }
  successor_takeovers() { since_cut "$work"/logs/workers-artifacts/*/*/worker.log | grep -E "$parts_re"; }
  zuid=$(id -u "$ZOMBIE_USER")
  nft -f - <<EOF || { say "FAIL: nft refused the rules cutting the second Supervisor off"; exit 1; }
table inet statspipe_zombie {
  chain output {
    type filter hook output priority 0; policy accept;
    meta skuid $zuid tcp dport { $ZK_PORT, $NIMBUS_PORT } drop
    meta skuid != $zuid tcp dport $SUPERVISOR_B_PORT drop
  }
}
table inet statspipe_zombie_store {
  chain output {
    type filter hook output priority 0; policy accept;
    meta skuid $zuid tcp dport $KAIROS_PORT reject with tcp reset
  }
}
EOF
  cut_at=$(date +%H:%M:%S); cut_s=$(date +%s)
  nft list ruleset > "$work/logs/nft-cut.txt"
  say "CUT: Supervisor ${pids[supervisor-b]} and worker $zombie_worker (user $ZOMBIE_USER, uid $zuid; partitions $parts)" \
    "from ZooKeeper :$ZK_PORT and Nimbus :$NIMBUS_PORT (packets dropped), Nimbus from that Supervisor's :$SUPERVISOR_B_PORT;" \
    "KairosDB :$KAIROS_PORT refuses them until their partitions are taken over; Kafka stays reachable"
  deadline=$(( $(date +%s) + 240 ))
  until successor_takeovers | grep -q .; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: no worker of the first Supervisor took partitions $parts over within 240 s of the cut"; exit 1; }
    alive "$zombie_worker" || { say "FAIL: the cut-off worker $zombie_worker exited"; tail -20 "$zombie_log"; exit 1; }
    sleep 1
  done
  taken_at=$(date +%H:%M:%S)
  say "Nimbus gave the cut-off worker's partitions away, the cut-off worker $zombie_worker still running:" \
    "$(successor_takeovers | sed -E 's/^([0-9:.]+) .*(partition [0-9]+ taken over).*/\1 \2/' | paste -sd';')"
  nft delete table inet statspipe_zombie_store
  say "KairosDB reachable again for the cut-off worker, still cut off from ZooKeeper and Nimbus"
  # the committer's line ("claimed by another owner") comes first, then the task's, once it let go
  await_line "$zombie_log" "claimed by another task" 120 "a fenced write of the cut-off worker"
  fenced_at=$(date +%H:%M:%S)
  alive "$zombie_worker" || { say "FAIL: the cut-off worker $zombie_worker exited before it was fenced"; exit 1; }
  say "the cut-off worker tried to write and was fenced; its log since the cut ($zombie_log):"
  { since_cut "$zombie_log" | grep -E "cannot (write|record|complete|dead-letter)|recovered:|not readable back" | head -6
    since_cut "$zombie_log" | grep -E "claimed by another|left to the new owner" | head -6; } | sed 's/^/    /' || true
  nft delete table inet statspipe_zombie
  n=$(grep -c "claimed by another task" "$zombie_log" || true)
  say "RECONNECTED after $(( $(date +%s) - cut_s )) s (cut at $cut_at, taken over by $taken_at, fenced at $fenced_at," \
    "$n partitions let go so far)"
  deadline=$(( $(date +%s) + 60 ))
  while alive "$zombie_worker" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  if alive "$zombie_worker"; then
    say "the cut-off worker $zombie_worker is still running 60 s after the reconnection"
  else
    say "the cut-off worker $zombie_worker stopped after the reconnection (its assignment is gone)"
  fi
  zombie_summary="worker $zombie_worker cut off from ZooKeeper and Nimbus at $cut_at, its partitions $parts taken over by $taken_at, its write fenced at $fenced_at ($n partitions let go)"
  kill_broker "after the reconnection"
  sleep 15
  touch "$work/stop-traffic"
}

if [ "$zombie" = 1 ]; then
  zombie_step
else
  await_line "$work/logs/traffic.log" "(25%)" $(( seconds + 60 )) "25% of the traffic"
  # The victim: a worker whose rollup task counts partitions (its log says it took one over).
  deadline=$(( $(date +%s) + 60 ))
  until victim_log=$(grep -l "taken over" "$work"/logs/workers-artifacts/*/*/worker.log 2>/dev/null | head -1) && [ -n "$victim_log" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: no rollup task took a partition over within 60 s"; exit 1; }
    sleep 0.5
  done
  victim_port=$(basename "$(dirname "$victim_log")")
  victim=$(ps -ww -eo pid=,args= | awk -v p="-Dworker.port=$victim_port " '/org\.apache\.storm\.daemon\.worker\.Worker/ && !/org\.apache\.storm\.LogWriter/ && !/awk/ && index($0, p) {print $1}')
  [ -n "$victim" ] || { say "FAIL: no worker JVM found for port $victim_port"; exit 1; }
  say "kill -9 Storm worker $victim (port $victim_port, counting partitions; at 25% of the traffic)"
  kill -KILL "$victim"
  killed_worker=$victim

  await_line "$work/logs/traffic.log" "(50%)" $(( seconds + 60 )) "50% of the traffic"
  kill_broker "at 50% of the traffic"

  deadline=$(( $(date +%s) + 120 ))
  until [ "$(worker_pids | wc -l)" -ge 2 ] && ! worker_pids | grep -qx "$killed_worker"; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: the Supervisor did not replace worker $killed_worker in 120 s"; exit 1; }
    sleep 1
  done
  say "the Supervisor replaced worker $killed_worker: workers now $(echo $(worker_pids))"
fi

if ! wait "${pids[traffic]}"; then
  unset 'pids[traffic]'
  say "FAIL: traffic"; tail -5 "$work/logs/traffic.log"; exit 1
fi
unset 'pids[traffic]'
tail -1 "$work/logs/traffic.log" | sed 's/^/    /'

# --- the comparison -------------------------------------------------------------------------------
say "reading every bucket back from KairosDB"
set +e
"${harness[@]}" verify --kairos "http://127.0.0.1:$KAIROS_PORT" --expected "$work/expected.tsv" --timeout PT3M > "$work/logs/verify.log" 2>&1
result=$?
set -e
grep '^verify:' "$work/logs/verify.log" | sed 's/^/    /'
redelivered=$(cat "$work"/logs/workers-artifacts/*/*/worker.log "$work"/logs/supervisor-b/workers-artifacts/*/*/worker.log \
  2>/dev/null | grep -c "rewriting the same partials" || true)
elapsed=$(( $(date +%s) - $(cat "$work/started") ))
echo
if [ "$result" = 0 ] && [ "$zombie" = 1 ]; then
  echo "CLUSTER REHEARSAL PASS (zombie): $(sed -n 's/^traffic done: \([0-9]*\) events.*/\1/p' "$work/logs/traffic.log") events" \
    "(seed $seed), every bucket's count and sum exact: $zombie_summary; kill -9 of Kafka broker $killed_broker" \
    "($redelivered interrupted flushes rewritten; ${elapsed}s in all)"
elif [ "$result" = 0 ]; then
  echo "CLUSTER REHEARSAL PASS: $events events (seed $seed), every bucket's count and sum exact after kill -9 of Storm worker" \
    "$killed_worker and of Kafka broker $killed_broker ($redelivered interrupted flushes rewritten; ${elapsed}s in all)"
else
  echo "CLUSTER REHEARSAL FAIL (seed $seed, replay with --seed $seed): figures above; logs in $work/logs (${elapsed}s in all)"
fi
