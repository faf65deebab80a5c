#!/usr/bin/env bash
# The benchmark cases of docs/performance.md, run by hand (not in CI):
#   1. one registration in a cluster of 10,000 Services/EndpointSlices, 2,000 routes and
#      registrations, 50 Gateways, 200 ReferenceGrants (requests, bytes, timeline);
#   2. -A over that cluster, against `kubectl get -A -o json` of the same kinds (time, memory);
#   3. offline -f over 4,000-, 16,000- and 64,000-object dumps (time per phase, memory).
# Needs: cargo, curl, python3, GNU time (/usr/bin/time); kubectl for the comparison in case 2.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins --example fake-apiserver
BIN=$PWD/target/release/kubectl-mcp_doctor
FAKE=$PWD/target/release/examples/fake-apiserver
WORK=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

"$FAKE" serve > "$WORK/server.txt" &
SERVER=$!
for _ in $(seq 1 200); do grep -q '^OBJECTS=' "$WORK/server.txt" 2>/dev/null && break; sleep 0.1; done
KUBECONFIG_FILE=$(sed -n 's/^KUBECONFIG=//p' "$WORK/server.txt")
URL=$(sed -n 's/^URL=//p' "$WORK/server.txt")
OBJECTS=$(sed -n 's/^OBJECTS=//p' "$WORK/server.txt")
stats() { curl -sk -H "Authorization: Bearer test-token-0123" "$URL/_stats"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# GNU time writes "Command exited with non-zero status N" first when the doctor exits non-zero.
timed() { /usr/bin/time -f "%e %M" -o "$WORK/time" "$@"; read -r SECS KIB < <(tail -n 1 "$WORK/time"); }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "cluster: $OBJECTS objects, $(stats | field clusterBytes) bytes of JSON"
# The memory any run needs whatever its input (code pages of the binary, runtime, TLS): a run
# that reads next to nothing, in each mode.
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n' > "$WORK/one.yaml"
timed "$BIN" -f "$WORK/one.yaml" -o json > /dev/null || true
BASE_FILES=$KIB
timed "$BIN" --kubeconfig "$KUBECONFIG_FILE" no-such-server -n tenant-0 -o json > /dev/null || true
BASE_CLUSTER=$KIB
echo "baseline peak RSS: ${BASE_FILES} KiB reading one object from a file, ${BASE_CLUSTER} KiB for one lookup in the cluster"
ratio() { python3 -c "print(f'{$1*1024/$2:.2f}')"; }
verdict() { python3 -c "print('met' if $1 $2 else 'missed')"; }

echo; echo "== case 1: one registration (bench-target -n tenant-0)"
R0=$(stats | field requests); B0=$(stats | field bytes)
timed "$BIN" --kubeconfig "$KUBECONFIG_FILE" bench-target -n tenant-0 -o json > "$WORK/one.json" || true
R1=$(stats | field requests); B1=$(stats | field bytes); TOTAL=$(stats | field clusterBytes)
echo "requests: $((R1 - R0)), bytes read: $((B1 - B0)) ($(python3 -c "print(f'{100*($B1-$B0)/$TOTAL:.3f}')")% of the cluster), wall ${SECS}s, peak RSS ${KIB} KiB"
echo "timeline (start, end, request):"
stats | python3 -c "import json,sys; t=json.load(sys.stdin)['timeline']; [print('  '+l) for l in t[-($R1-$R0):]]"

echo; echo "== case 2: -A over the cluster"
R0=$(stats | field requests); B0=$(stats | field bytes)
timed "$BIN" --kubeconfig "$KUBECONFIG_FILE" -A -o json > "$WORK/all.json" || true
DOCTOR_SECS=$SECS; DOCTOR_KIB=$KIB
R1=$(stats | field requests); B1=$(stats | field bytes)
JSON=$((B1 - B0))
echo "doctor -A: requests $((R1 - R0)), JSON received $JSON bytes, wall ${DOCTOR_SECS}s, peak RSS ${DOCTOR_KIB} KiB ($(ratio "$DOCTOR_KIB" "$JSON")x the JSON received: target <= 3x $(verdict "$DOCTOR_KIB*1024" "<= 3*$JSON"); above the baseline $(ratio "$((DOCTOR_KIB - BASE_CLUSTER))" "$JSON")x)"
stats | python3 -c "
import json,sys,collections
log=json.load(sys.stdin)['log'][-($R1-$R0):]
kinds=collections.Counter(l.split('?')[0].rsplit('/',1)[-1] for l in log if '?limit' in l)
print('  lists per resource:', dict(kinds))"
if command -v kubectl > /dev/null; then
  KINDS=mcpserverregistrations.mcp.kuadrant.io,mcpgatewayextensions.mcp.kuadrant.io,httproutes.gateway.networking.k8s.io,gateways.gateway.networking.k8s.io,gatewayclasses.gateway.networking.k8s.io,referencegrants.gateway.networking.k8s.io,services,endpointslices.discovery.k8s.io,namespaces
  timed kubectl --kubeconfig "$KUBECONFIG_FILE" get "$KINDS" -A -o json > "$WORK/kubectl.json" || true
  echo "kubectl get -A -o json of the same kinds: wall ${SECS}s, peak RSS ${KIB} KiB; ratio doctor/kubectl = $(python3 -c "print(f'{$DOCTOR_SECS/$SECS:.2f}')") (target <= 1.0 $(verdict "$DOCTOR_SECS" "<= $SECS"))"
fi

echo; echo "== case 3: offline -f"
for n in 4000 16000 64000; do
  "$FAKE" dump "$n" "$WORK/dump-$n.yaml" > /dev/null
  SIZE=$(stat -c %s "$WORK/dump-$n.yaml")
  MCPD_TIMINGS=1 /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" -A -f "$WORK/dump-$n.yaml" -o json > /dev/null 2> "$WORK/timings" || true
  read -r SECS KIB < <(tail -n 1 "$WORK/time")
  echo "$n objects ($SIZE bytes): wall ${SECS}s, peak RSS ${KIB} KiB ($(ratio "$KIB" "$SIZE")x input: target < 4x $(verdict "$KIB*1024" "< 4*$SIZE"); above the baseline $(ratio "$((KIB - BASE_FILES))" "$SIZE")x); $(grep timings "$WORK/timings")"
done
