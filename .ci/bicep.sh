#!/usr/bin/env bash
# Build and lint the Bicep under infra/ with a pinned Bicep CLI; fail on any error or warning.
# Then check infra/main.parameters.json against the template and pin a few host.json and infra
# settings (python3; skipped without it).
#
# The CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored by the
# restore-only project tools/bicep/bicep.csproj (the version is pinned there) into the NuGet
# global packages folder. Set BICEP_BIN to use another bicep binary (e.g. on macOS or arm64).
# Run from anywhere: bash .ci/bicep.sh
set -euo pipefail
cd "$(dirname "$0")/.."

readonly package_id="Azure.Bicep.CommandLine.linux-x64"
readonly tools_project="tools/bicep/bicep.csproj"

bicep="${BICEP_BIN:-}"
if [ -z "$bicep" ]; then
  version=$(sed -n -E 's/.*<PackageDownload Include="'"$package_id"'" Version="\[([^]]+)\]".*/\1/p' "$tools_project")
  if [ -z "$version" ]; then
    echo "bicep.sh: cannot read the $package_id version from $tools_project" >&2
    exit 1
  fi
  packages=$(dotnet nuget locals global-packages --list | sed -n -E 's/^global-packages: *//p' | tr -d '\r')
  packages="${packages%/}"
  bicep="$packages/$(echo "$package_id" | tr '[:upper:]' '[:lower:]')/$version/tools/bicep"
  if [ ! -f "$bicep" ]; then
    echo "== restoring $package_id $version"
    dotnet restore "$tools_project" --nologo --verbosity quiet
  fi
  if [ ! -f "$bicep" ]; then
    echo "bicep.sh: restore finished but $bicep does not exist" >&2
    exit 1
  fi
  # NuGet extracts files without the execute bit.
  [ -x "$bicep" ] || chmod +x "$bicep"
fi
echo "== $("$bicep" --version)"

# Bicep prints diagnostics (errors and warnings) on stderr; an error also makes it exit non-zero.
# Capture them so that warnings fail the check as well.
diagnostics=$(mktemp)
template=$(mktemp)
trap 'rm -f "$diagnostics" "$template"' EXIT
status=0

echo "== bicep build infra/main.bicep"
"$bicep" build infra/main.bicep --stdout --no-restore 2>"$diagnostics" >"$template" || status=1
echo "== bicep lint infra/**/*.bicep"
"$bicep" lint --pattern 'infra/**/*.bicep' --no-restore 2>>"$diagnostics" || status=1

if [ -s "$diagnostics" ]; then
  sort -u "$diagnostics" >&2
  status=1
fi

# Every parameter in main.parameters.json must exist in main.bicep (azd passes them all), and
# every required parameter of main.bicep must have a value there.
if [ "$status" -eq 0 ]; then
  if command -v python3 >/dev/null 2>&1; then
    echo "== infra/main.parameters.json against infra/main.bicep"
    python3 - "$template" <<'PY' || status=1
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    template = json.load(f)
with open("infra/main.parameters.json", encoding="utf-8") as f:
    supplied = set(json.load(f)["parameters"])
declared = set(template["parameters"])
required = {n for n, p in template["parameters"].items() if "defaultValue" not in p}
unknown, missing = sorted(supplied - declared), sorted(required - supplied)
for name in unknown:
    print(f"infra/main.parameters.json: parameter '{name}' is not declared in infra/main.bicep", file=sys.stderr)
for name in missing:
    print(f"infra/main.parameters.json: required parameter '{name}' of infra/main.bicep has no value", file=sys.stderr)
sys.exit(1 if unknown or missing else 0)
PY

    # Settings that regressed before (issue 10); each was a deliberate decision, see docs/deploy-azure.md.
    echo "== pinned settings: host.json and the compiled infra/main.bicep"
    python3 - "$template" <<'PY' || status=1
import json, re, sys
errors = []
def check(ok, message):
    if not ok:
        errors.append(message)
def seconds(value):
    m = re.fullmatch(r"(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})", str(value))
    return None if not m else int(m[1] or 0) * 86400 + int(m[2]) * 3600 + int(m[3]) * 60 + int(m[4])
with open("host.json", encoding="utf-8") as f:
    host = json.load(f)
queues = host.get("extensions", {}).get("queues", {})
durable = host.get("extensions", {}).get("durableTask", {}).get("storageProvider", {})
check(queues.get("visibilityTimeout") == "00:00:30",
      f"host.json: extensions.queues.visibilityTimeout is {queues.get('visibilityTimeout')!r}, expected '00:00:30' (the retry delay after a failure)")
check(queues.get("maxDequeueCount") == 3, "host.json: extensions.queues.maxDequeueCount must be 3 (the contract)")
check(queues.get("messageEncoding") == "none", "host.json: extensions.queues.messageEncoding must be 'none' (plain JSON messages)")
poll = seconds(durable.get("maxQueuePollingInterval"))
check(poll is not None and poll <= 10,
      f"host.json: extensions.durableTask.storageProvider.maxQueuePollingInterval is {durable.get('maxQueuePollingInterval')!r}, expected 10 s or less (Flex Consumption)")
check("applicationInsights" not in host.get("logging", {}),
      "host.json: logging.applicationInsights is ignored with telemetryMode OpenTelemetry; remove it")
with open(sys.argv[1], encoding="utf-8") as f:
    template = json.load(f)
params = template["parameters"]
maximum = params.get("maximumInstanceCount", {})
check(maximum.get("minValue") == 40 and maximum.get("defaultValue") == 100,
      "infra/main.bicep: maximumInstanceCount must keep @minValue(40) and default 100 (Flex Consumption rejects less than 40)")
check(params.get("durableAlwaysReadyInstanceCount", {}).get("defaultValue") == 1,
      "infra/main.bicep: durableAlwaysReadyInstanceCount must exist with default 1")
allowed = params.get("location", {}).get("allowedValues") or []
check({"eastus", "eastus2", "westus2", "northeurope", "westeurope", "swedencentral"} <= set(allowed),
      "infra/main.bicep: location must be limited (@allowed) to the Flex Consumption regions")
compiled = json.dumps(template)
check("'name', 'durable'" in compiled, "infra/app/functions.bicep: scaleAndConcurrency.alwaysReady has no 'durable' group")
check("Rejected message " in compiled, "infra/app/alerts.bicep: the failed-runs alert no longer counts jobs rejected at admission")
check(params.get("apiEntraClientId", {}).get("defaultValue") == "",
      "infra/main.bicep: apiEntraClientId must default to '' (function keys only unless Entra ID is asked for)")
check("authsettingsV2" in compiled and "Return401" in compiled and "/api/openapi.json" in compiled,
      "infra/app/functions.bicep: the Entra ID option must set authsettingsV2 to answer 401 and leave /api/openapi.json public")
for message in errors:
    print(message, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
  else
    echo "== python3 not found: skipping the infra/main.parameters.json and pinned-settings checks"
  fi
fi

if [ "$status" -ne 0 ]; then
  echo "bicep: FAILED (errors or warnings above)" >&2
  exit 1
fi
echo "bicep: OK (0 errors, 0 warnings)"
