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
# Usage: scripts/cluster-rehearsal.sh [--events N] [--seconds S] [--seed N] [--keep]
#   --events   events sent through the agent (default 120000)
#   --seconds  how long the traffic lasts (default 60)
#   --seed     seed of the traffic's series, values and late batches (default: random, printed)
#   --keep     keep the engines' data (Kafka, KairosDB, Storm) after a PASS; the logs in
#              target/cluster-rehearsal/logs are always kept
# Needs: root for unshare, ip (iproute2), Java 17, and Maven Central for the build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="$here/target/cluster-rehearsal"

events=120000
seconds=60
seed=$(( (RANDOM << 15) | RANDOM ))
keep=0
inside=0
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --inside-namespace) inside=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster-rehearsal: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s [rehearsal] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# ---------------------------------------------------------------------------------------------
# Outside the namespace: build (the namespace has no network), then re-execute inside it.
# ---------------------------------------------------------------------------------------------
if [ "$inside" = 0 ]; then
  started=$(date +%s)
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
kafka_cp="$(cat scripts/cluster-rehearsal/kafka-broker/target/classpath.txt)"
java_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true)

ZK_PORT=2181
NIMBUS_PORT=6627
SUPERVISOR_PORT=6628
WORKER_PORTS=(6700 6701)
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
worker_pids() { ps -ww -eo pid=,args= | awk '/org\.apache\.storm\.daemon\.worker\.Worker/ && !/org\.apache\.storm\.LogWriter/ && !/awk/ {print $1}'; }
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
  if [ "$topology_submitted" = 1 ] && [ -n "${pids[nimbus]:-}" ] && alive "${pids[nimbus]}"; then
    say "killing topology $TOPOLOGY through Nimbus"
    "${harness[@]}" kill-topology --name "$TOPOLOGY" --timeout PT30S >> "$work/logs/kill-topology.log" 2>&1 \
      && say "topology $TOPOLOGY killed" || say "could not kill topology $TOPOLOGY through Nimbus (see logs/kill-topology.log)"
    # The Supervisor then stops the workers; give it the time to before stopping it.
    for _ in $(seq 1 60); do [ -z "$(worker_pids)" ] && break; sleep 0.5; done
  fi
  for name in traffic agent supervisor; do
    [ -n "${pids[$name]:-}" ] && stop_pids "$name" "${pids[$name]}"
  done
  # Workers outlive their Supervisor: end them (and their log writers) by PID.
  local left_by_supervisor
  left_by_supervisor=$(storm_child_pids)
  if [ -n "$left_by_supervisor" ]; then
    say "stopping Storm worker processes left by the Supervisor: $(echo $left_by_supervisor)"
    stop_pids "Storm workers" $left_by_supervisor
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
    rm -rf "$work/storm-home/data" "$work/kafka" "$work/kairosdb" "$work/spool"
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
cat > "$storm_home/conf/storm.yaml" <<EOF
# written by scripts/cluster-rehearsal.sh: one machine, 127.0.0.1 everywhere
storm.zookeeper.servers: ["127.0.0.1"]
storm.zookeeper.port: $ZK_PORT
nimbus.seeds: ["127.0.0.1"]
nimbus.thrift.port: $NIMBUS_PORT
supervisor.thrift.port: $SUPERVISOR_PORT
storm.local.hostname: "127.0.0.1"
storm.local.dir: "$storm_home/data"
storm.log.dir: "$work/logs"
supervisor.slots.ports: [${WORKER_PORTS[0]}, ${WORKER_PORTS[1]}]
worker.heap.memory.mb: 320
worker.childopts: "-Xmx%HEAP-MEM%m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true"
topology.worker.logwriter.childopts: "-Xmx32m -XX:+UseSerialGC"
supervisor.worker.start.timeout.secs: 120
nimbus.monitor.freq.secs: 2
EOF
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
storm_daemon() { # name main-class
  java "${java_opts[@]}" -Xmx256m -Dstorm.home="$storm_home" -Dstorm.log.dir="$work/logs" -Dlogfile.name="$1.log" \
    -Dlog4j.configurationFile="$storm_home/log4j2/cluster.xml" -Dstorm.conf.file=storm.yaml \
    -cp "$storm_home/lib/*:$storm_home/conf" "$2" >> "$work/logs/$1.out" 2>&1 &
  pids[$1]=$!
  disown
}

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
for n in 1 2 3; do await_port kafka$n "${KAFKA_PORTS[$((n-1))]}" 90; done
await_port nimbus $NIMBUS_PORT 90
await_line "$work/logs/kairosdb.log" "kairosdb ready" 150 "KairosDB"
say "started: ZooKeeper ${pids[zookeeper]}, Nimbus ${pids[nimbus]}, Supervisor ${pids[supervisor]}," \
  "Kafka ${pids[kafka1]} ${pids[kafka2]} ${pids[kafka3]}, KairosDB $(sed -n 's/.*pid=//p' "$work/logs/kairosdb.log")"

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
while read -r address; do
  port="${address##*:}"
  case "$address" in
    127.0.0.1:*|"[::ffff:127.0.0.1]:"*|"[::1]:"*) ;;
    *) [[ "$wildcard_allowed" == *" $port "* ]] || { say "FAIL: $address is not a loopback listener"; exit 1; } ;;
  esac
done < <(awk 'NR > 1 {print $5}' "$work/logs/listeners.txt" | sort -u)
say "traffic: $events events through the agent's HTTP ingest over $seconds s (seed $seed)"
"${harness[@]}" traffic --agent "http://127.0.0.1:$AGENT_HTTP" --events "$events" --seconds "$seconds" --seed "$seed" \
  --expected "$work/expected.tsv" > "$work/logs/traffic.log" 2>&1 &
pids[traffic]=$!

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
say "kill -9 Kafka broker 2, PID ${pids[kafka2]} (at 50% of the traffic); it stays down"
kill -KILL "${pids[kafka2]}"
killed_broker=${pids[kafka2]}
unset 'pids[kafka2]'
for _ in $(seq 1 50); do alive "$killed_broker" || break; sleep 0.2; done
alive "$killed_broker" && { say "FAIL: Kafka broker $killed_broker still running 10 s after SIGKILL"; exit 1; }

deadline=$(( $(date +%s) + 120 ))
until [ "$(worker_pids | wc -l)" -ge 2 ] && ! worker_pids | grep -qx "$killed_worker"; do
  [ "$(date +%s)" -lt "$deadline" ] || { say "FAIL: the Supervisor did not replace worker $killed_worker in 120 s"; exit 1; }
  sleep 1
done
say "the Supervisor replaced worker $killed_worker: workers now $(echo $(worker_pids))"

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
redelivered=$(cat "$work"/logs/workers-artifacts/*/*/worker.log 2>/dev/null | grep -c "rewriting the same partials" || true)
elapsed=$(( $(date +%s) - $(cat "$work/started") ))
echo
if [ "$result" = 0 ]; then
  echo "CLUSTER REHEARSAL PASS: $events events (seed $seed), every bucket's count and sum exact after kill -9 of Storm worker" \
    "$killed_worker and of Kafka broker $killed_broker ($redelivered interrupted flushes rewritten; ${elapsed}s in all)"
else
  echo "CLUSTER REHEARSAL FAIL (seed $seed, replay with --seed $seed): figures above; logs in $work/logs (${elapsed}s in all)"
fi
