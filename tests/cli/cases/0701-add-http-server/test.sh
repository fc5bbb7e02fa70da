# `add http-server@v0.5.1` writes the four files the interface brings, as in wit/.
set -eu
WIT="$CASE/../../../../wit"
"$SLIGHT" add http-server@v0.5.1
[ "$(ls http-server_0.5.1 | tr '\n' ' ')" = \
  "http-handler.wit http-server-export.wit http-server.wit http-types.wit " ] \
  || { ls -la http-server_0.5.1; exit 1; }
for f in http-handler http-server-export http-server http-types; do
    cmp "http-server_0.5.1/$f.wit" "$WIT/$f.wit"
done
