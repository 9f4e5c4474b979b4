#!/usr/bin/env bash
# Source rules no compiler checks (see STYLE.md): no strcpy, sprintf, atoi,
# strtok and their kin; srtp.h is included by protocol/proto_srtp.c alone;
# every error code the server can send has its row in docs/protocol.md.
# Usage: checksrc.sh SOURCE_DIR (ctest passes the project's).
set -euo pipefail
cd "${1:?usage: checksrc.sh SOURCE_DIR}"

status=0
complain() { echo "FAIL: $*" >&2; status=1; }

dirs=(common protocol codecs accessibility server client tests)

banned=$(grep -rnE --include='*.c' --include='*.h' \
  '(^|[^_[:alnum:]])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok)\(' \
  "${dirs[@]}" || true)
[ -z "$banned" ] ||
  complain "banned calls (use snprintf, hx_strlcpy, hx_parse_long, a cursor):"$'\n'"$banned"

srtp=$(grep -rlE --include='*.c' --include='*.h' '#[[:space:]]*include[[:space:]]*[<"](srtp2/)?srtp\.h[>"]' \
  "${dirs[@]}" | grep -vx 'protocol/proto_srtp.c' || true)
[ -z "$srtp" ] || complain "srtp.h belongs to protocol/proto_srtp.c alone, but these include it: $srtp"
grep -qE '#include <srtp2/srtp\.h>' protocol/proto_srtp.c ||
  complain "protocol/proto_srtp.c no longer includes srtp2/srtp.h; update this check"

codes=$(grep -oE 'X\(PROTO_E_[A-Z0-9_]+, *"[a-z0-9_]+"\)' protocol/proto_msg.h | sed -E 's/.*"([a-z0-9_]+)"\)/\1/')
[ -n "$codes" ] || complain "found no error codes in protocol/proto_msg.h; update this check"
for code in $codes; do
  grep -qF "| \`$code\` |" docs/protocol.md || complain "error code $code has no row in docs/protocol.md"
done

[ $status -eq 0 ] && echo "checksrc: no banned calls, srtp.h in proto_srtp.c only, $(echo "$codes" | wc -l) error codes documented"
exit $status
