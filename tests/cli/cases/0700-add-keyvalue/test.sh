# `add keyvalue@v0.5.1` writes keyvalue_0.5.1/keyvalue.wit, byte-identical to wit/keyvalue.wit.
set -eu
WIT="$CASE/../../../../wit"
"$SLIGHT" add keyvalue@v0.5.1
[ "$(ls keyvalue_0.5.1)" = keyvalue.wit ] || { ls -la keyvalue_0.5.1; exit 1; }
cmp keyvalue_0.5.1/keyvalue.wit "$WIT/keyvalue.wit"
