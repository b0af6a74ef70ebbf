#!/usr/bin/env bash
# Deploys a stack with the Pulumi CLI: `npm run up` (dev) or `npm run up -- prod`.
# For dev only, secrets that are not set yet get local values so that one command deploys: a random
# Grafana admin password and secret key and a random password of the Prometheus and Alertmanager login
# (web-password), the alert inbox's address for integrations that deliver to it
# (also where an earlier run left a placeholder), and placeholders for any other integration URL or key (its
# notifications fail until you set a real one with `pulumi config set --secret --path
# 'secrets.<name>' <value>`).
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-dev}"
# The real promtool and amtool gate every deploy: a stack they refuse never reaches Pulumi, and
# nothing (not even a dev secret) is changed before they have passed.
bash scripts/install-prom-tools.sh
if ! node cli/promstack.js check --stack "$stack"; then
  echo "npm run up: promstack check refused the $stack stack (see above); nothing was deployed" >&2
  exit 1
fi
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}"
mkdir -p .pulumi-state
pulumi stack select --create "$stack"
if [ "$stack" = dev ]; then
  secrets="$(npx tsx scripts/stack-secrets.ts dev)"
  while IFS=$'\t' read -r name inbox; do
    [ -n "$name" ] || continue
    placeholder="https://placeholder.invalid/$name"
    # Unset, or still the placeholder of an earlier run where the inbox now offers a working address.
    if ! current="$(pulumi config get --path "secrets.$name" --stack dev </dev/null 2>/dev/null)" ||
      { [ -n "$inbox" ] && [ "$current" = "$placeholder" ]; }; then
      case "$name" in
        grafana-admin-password) value="$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))")" ;;
        grafana-secret-key) value="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))")" ;;
        web-password) value="$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('base64url'))")" ;;
        *) value="${inbox:-$placeholder}" ;;
      esac
      pulumi config set --secret --path "secrets.$name" "$value" --stack dev </dev/null
      echo "set dev secret $name (pulumi config get --path secrets.$name --show-secrets to read it)"
    fi
  done <<< "$secrets"
fi
pulumi up --yes --stack "$stack"
