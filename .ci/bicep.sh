#!/usr/bin/env bash
# Build and lint the Bicep under infra/ with a pinned Bicep CLI; fail on any error or warning.
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
  else
    echo "== python3 not found: skipping the infra/main.parameters.json check"
  fi
fi

if [ "$status" -ne 0 ]; then
  echo "bicep: FAILED (errors or warnings above)" >&2
  exit 1
fi
echo "bicep: OK (0 errors, 0 warnings)"
