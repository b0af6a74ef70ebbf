#!/usr/bin/env bash
# Deploys a stack with the Pulumi CLI: `npm run up` (dev) or `npm run up -- prod`.
# For dev only, secrets that are not set yet get local values so that one command deploys: a random
# Grafana admin password, and placeholders for integration URLs and keys (their notifications fail
# until you set real ones with `pulumi config set --secret --path 'secrets.<name>' <value>`).
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-dev}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}"
mkdir -p .pulumi-state
pulumi stack select --create "$stack"
if [ "$stack" = dev ]; then
  for name in $(npx tsx scripts/stack-secrets.ts dev); do
    if ! pulumi config get --path "secrets.$name" --stack dev >/dev/null 2>&1; then
      case "$name" in
        grafana-admin-password) value="$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))")" ;;
        *) value="https://placeholder.invalid/$name" ;;
      esac
      pulumi config set --secret --path "secrets.$name" "$value" --stack dev
      echo "set dev secret $name (pulumi config get --path secrets.$name --show-secrets to read it)"
    fi
  done
fi
pulumi up --yes --stack "$stack"
