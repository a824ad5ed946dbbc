#!/usr/bin/env bash
# Makes the SgnsBench text corpus from the King James Bible that Debian ships (packages
# bible-kjv-text: the compressed text, and bible-kjv: the `bible` reader), outside the project tree:
#   bench/sgns-kjv-corpus.sh DIR [copies 6]  ->  DIR/kjv1.txt (one verse a line) and DIR/kjv<copies>.txt
# One verse per line, reference dropped, lower-cased, every run of characters other than letters and apostrophes
# a single space: 31,102 lines, 789,684 tokens; kjv6 = 6 copies (4.74M tokens, 4.92M
# words as word2vec counts them with min-count 5).
set -euo pipefail
dir=${1:?usage: sgns-kjv-corpus.sh DIR [copies]}
copies=${2:-6}
mkdir -p "$dir"
cd "$dir"
if [[ ! -f bible-kjv-text_*.deb || ! -f bible-kjv_*.deb ]]; then
    apt-get download bible-kjv-text bible-kjv
fi
rm -rf x y && mkdir x y
dpkg-deb -x bible-kjv-text_*.deb x
dpkg-deb -x bible-kjv_*.deb y
# -f off: one verse per line, each preceded by its reference ("Ge1:1 In the beginning ...")
y/usr/bin/bible -f -p x/usr/lib gen1:1-rev22:21 > kjv.raw
sed -E 's/^[^ ]+ //' kjv.raw | tr 'A-Z' 'a-z' | sed -E "s/[^a-z']+/ /g; s/^ +//; s/ +$//" > kjv1.txt
: > "kjv$copies.txt"
for ((i = 0; i < copies; i++)); do cat kjv1.txt >> "kjv$copies.txt"; done
wc -l -w kjv1.txt "kjv$copies.txt"
