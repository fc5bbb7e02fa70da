# The bytes of SLIGHT-SPEC §6.9 (a)-(c); (b) carries our key-not-found message.
set -e
"$SLIGHT" run ${TIER:+--tier=$TIER} "$APP" | od -An -tx1 -v | tr -s ' \n' ' ' > got.txt
a="00 aa aa aa 00 30 00 00 05 00 00 00 aa aa aa aa 68 65 6c 6c 6f 01 00 00 00 05 00 00 00"
b="01 aa aa aa 00 aa aa aa 00 30 00 00 25 00 00 00 $(printf "keyvalue.memory: key 'nope' not found" | od -An -tx1 -v | tr -s ' \n' ' ') 01 00 00 00 25 00 00 00"
c1="00 aa aa aa 00 30 00 00 02 00 00 00 aa aa aa aa 10 30 00 00 01 00 00 00 11 30 00 00 02 00 00 00 61 62 63 04 00 00 00 10 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 02 00 00 00"
c2="00 aa aa aa 00 30 00 00 02 00 00 00 aa aa aa aa 10 30 00 00 02 00 00 00 12 30 00 00 01 00 00 00 62 63 61 04 00 00 00 10 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 01 00 00 00"
want1=" $(echo $a $b $c1) "
want2=" $(echo $a $b $c2) "
got=" $(echo $(cat got.txt)) "
if [ "$got" != "$want1" ] && [ "$got" != "$want2" ]; then
  echo "got:  $got"; echo "want: $want1"; exit 1
fi
