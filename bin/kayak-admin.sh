#!/usr/bin/env bash
# The admin CLI: bin/kayak-admin.sh --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kayak-env.sh"
kayak_build_if_missing
exec java -Xmx256m -cp "$(kayak_classpath admin)" io.kayak.admin.KayakAdmin "$@"
