#!/usr/bin/env bash
# `make install DESTDIR=…` lays out the files: the binary (which runs), the man page (which
# renders and documents every configuration key and command), the systemd unit pointing at
# the installed binary with its hardening, the sysusers entry, and the examples (the example
# configuration passes `xingfu config check`).
# Usage: test_install.sh SOURCE_DIR BUILD_DIR
set -u
SRC=${1:?source}; BUILD=${2:?build}
D=$(mktemp -d /tmp/xfinstall.XXXXXX)
trap 'rm -rf "$D"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

if make -s -C "$SRC" install BUILD="$BUILD" DESTDIR="$D/root" >"$D/log" 2>&1; then ok "make install DESTDIR=$D/root"; else bad "make install: $(tail -5 "$D/log")"; fi
R="$D/root/usr/local"
for f in bin/xingfu share/man/man1/xingfu.1 lib/systemd/system/xingfu.service lib/sysusers.d/xingfu.conf \
         share/doc/xingfu/xingfu.conf.example share/doc/xingfu/nginx-xingfu.conf \
         share/doc/xingfu/xingfu.logrotate share/doc/xingfu/OPERATIONS.md share/doc/xingfu/OPERATIONS.en.md \
         share/doc/xingfu/SCALING.md; do
  [ -f "$R/$f" ] && ok "installed $f" || bad "missing $f"
done
[ -x "$R/bin/xingfu" ] && "$R/bin/xingfu" --version | grep -q "xingfu 0" && ok "the installed binary runs" || bad "installed binary"
[ -z "$(find "$D/root" -path "$D/root/usr/local" -prune -o -type f -print)" ] && ok "nothing outside the prefix" || bad "files outside the prefix: $(find "$D/root" -type f | grep -v /usr/local/ | head)"

U="$R/lib/systemd/system/xingfu.service"
grep -q '^ExecStart=/usr/local/bin/xingfu serve --config /etc/xingfu/xingfu.conf$' "$U" && ok "unit starts the installed binary with the config" || bad "ExecStart: $(grep ExecStart "$U")"
for k in 'User=xingfu' 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'StateDirectory=xingfu' 'ProtectHome=yes' \
         'PrivateTmp=yes' 'CapabilityBoundingSet=$' 'ExecReload=/bin/kill -HUP $MAINPID' 'KillSignal=SIGTERM'; do
  grep -q "^$k" "$U" && ok "unit has $k" || bad "unit lacks $k"
done
if command -v systemd-analyze >/dev/null; then
  sed "s|/usr/local/bin/xingfu|$R/bin/xingfu|g" "$U" >"$D/xingfu.service"
  systemd-analyze verify "$D/xingfu.service" 2>&1 | grep -v "man xingfu\|Command 'man" >"$D/verify"
  [ ! -s "$D/verify" ] && ok "systemd-analyze verify" || bad "systemd-analyze: $(cat "$D/verify")"
fi

"$R/bin/xingfu" config check "$R/share/doc/xingfu/xingfu.conf.example" >"$D/out" 2>&1 && ok "the example configuration passes config check" || bad "example: $(cat "$D/out")"
M="$R/share/man/man1/xingfu.1"
MANWIDTH=100 man -l "$M" >"$D/man.txt" 2>"$D/man.err" && [ -s "$D/man.txt" ] && ok "man page renders" || bad "man: $(cat "$D/man.err")"
groff -man -Tutf8 -K utf8 -z -w mac -W break "$M" 2>"$D/groff.err"; [ ! -s "$D/groff.err" ] && ok "no macro errors" || bad "groff: $(cat "$D/groff.err")"
missing=""
while IFS=$'\t' read -r key _; do
  k=${key%\*}
  grep -qF -- "$k" "$D/man.txt" || missing="$missing $k"
  grep -qF -- "$k" "$R/share/doc/xingfu/xingfu.conf.example" || missing="$missing example:$k"
done < <("$R/bin/xingfu" config keys)
[ -z "$missing" ] && ok "every configuration key is in the man page and the example" || bad "undocumented:$missing"
missing=""
for c in $("$R/bin/xingfu" help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
  grep -qE "^ {7}$c( |$)" "$D/man.txt" || missing="$missing $c"
done
[ -z "$missing" ] && ok "every command is in the man page" || bad "commands not in the man page:$missing"
grep -q "trusted_proxies = 127.0.0.1" "$R/share/doc/xingfu/nginx-xingfu.conf" && grep -q "proxy_pass http://xingfu" "$R/share/doc/xingfu/nginx-xingfu.conf" \
  && ok "nginx example names the matching trusted_proxies" || bad "nginx example"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
