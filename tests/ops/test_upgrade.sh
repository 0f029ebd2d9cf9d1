#!/usr/bin/env bash
# Upgrades from every released schema version. A release is the migrations as they stood on
# main when that version was the newest; where a migration was edited after its release the
# released text is kept under tests/ops/upgrade/<commit>/ (checked against git when the
# history is there). For each: build a database with exactly those migrations, add rows with
# that version's SQL (upgrade/data/N.sql), then with this binary: migrate --dry-run (lists
# the steps, changes nothing), migrate, the schema equals a fresh one, the rows survived,
# audit verify and points verify pass, and serve answers a resident about the old case.
# Usage: test_upgrade.sh path/to/xingfu SOURCE_DIR [PG_STATE_FILE]
set -u
XF=${1:?xingfu}; SRC=${2:?source dir}; PGSTATE=${3:-}
U="$SRC/tests/ops/upgrade"
D=$(mktemp -d /tmp/xfupgrade.XXXXXX)
PID=""; DBS=()
ADMIN=""
[ -n "$PGSTATE" ] && ADMIN=$(cat "$PGSTATE")
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  for db in "${DBS[@]}"; do psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1; done
  rm -rf "$D"
}
trap cleanup EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

# version:override-dir:the release (commit) it stands for
RELEASES="1:-:5fa1a48 2:992a366:992a366 2:-:dfb8282 3:-:21ff639 4:c5c0bf5:c5c0bf5"

# The kept texts are what git says those commits had.
if git -C "$SRC" cat-file -e c5c0bf5 2>/dev/null; then
  same=1
  for f in $(cd "$U" && ls -d */*/*.sql | grep -v '^data/'); do
    commit=${f%%/*}; rest=${f#*/}
    git -C "$SRC" show "$commit:migrations/$rest" | cmp -s - "$U/$f" || { same=0; bad "$f differs from git $commit"; }
  done
  [ $same = 1 ] && ok "kept release texts match git history"
else
  echo "# no git history here: the kept release texts are taken as they are"
fi

# A password and its hash, and a key file, from this binary.
"$XF" init --db "$D/seed.db" >"$D/seed.out" 2>&1 || { echo "FAIL - init: $(cat "$D/seed.out")"; exit 1; }
PW=$(sed -n 's/.*一次性密码：\([^ ]*\) .*/\1/p' "$D/seed.out")
HASH=$(sqlite3 "$D/seed.db" "SELECT password_hash FROM users LIMIT 1")
LATEST=$(sed -n 's/.*结构版本 \([0-9]*\).*/\1/p' "$D/seed.out")
[ -n "$PW" ] && [ -n "$HASH" ] || { echo "FAIL - no seed password"; exit 1; }
sqlite3 "$D/seed.db" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name" >"$D/fresh.sqlite.schema"

# apply ENGINE TARGET FILE
apply() {
  if [ "$1" = sqlite ]; then sqlite3 -bail "$2" <"$3"; else psql -q -v ON_ERROR_STOP=1 "$2" -f "$3" >/dev/null; fi
}
sql() {
  if [ "$1" = sqlite ]; then sqlite3 "$2" "$3"; else psql -qAt "$2" -c "$3"; fi
}

# build ENGINE TARGET VERSION OVERRIDE
build() {
  local engine=$1 target=$2 version=$3 over=$4 f n
  for f in "$SRC/migrations/$engine"/*.sql; do
    n=$(basename "$f"); n=$((10#${n%%_*}))
    [ "$n" -le "$version" ] || continue
    [ "$over" != - ] && [ -f "$U/$over/$engine/$(basename "$f")" ] && f="$U/$over/$engine/$(basename "$f")"
    apply "$engine" "$target" "$f" || return 1
  done
  sql "$engine" "$target" "INSERT INTO meta(key, value) VALUES ('schema_version', '$version')" >/dev/null || return 1
  for n in $(seq 1 "$version"); do
    [ -f "$U/data/$n.sql" ] || continue
    sed "s|@PWHASH@|$HASH|g" "$U/data/$n.sql" >"$D/data.sql"
    apply "$engine" "$target" "$D/data.sql" || return 1
  done
}

fingerprint() { # what a dry run must not change
  if [ "$1" = sqlite ]; then sha256sum "$2" | cut -c1-64
  else pg_dump -s --no-owner "$2" | grep -v '^\\\(un\)\?restrict ' | sha256sum | cut -c1-64; sql postgres "$2" "SELECT value FROM meta ORDER BY key"; fi
}

schema() {
  if [ "$1" = sqlite ]; then
    sqlite3 "$2" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
  else
    pg_dump -s --no-owner --no-privileges "$2" | grep -v '^--\|^\\\(un\)\?restrict ' | grep -v '^SET \|^SELECT pg_catalog' | sed '/^$/d'
  fi
}

start_server() { # ENGINE TARGET KEY
  : >"$D/out"
  "$XF" serve --db "$2" --key-file "$3" --listen 127.0.0.1:0 --access-log - >"$D/out" 2>"$D/err" &
  PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  return 1
}

check_release() { # ENGINE VERSION OVERRIDE LABEL
  local engine=$1 version=$2 over=$3 label="$1 v$2 ($4)" target key
  if [ "$engine" = sqlite ]; then
    target="$D/$4.db"; key="$target.key"
  else
    local name="xfup_$$_$4"
    psql -q "$ADMIN" -c "CREATE DATABASE $name" || { bad "$label: createdb"; return; }
    DBS+=("$name"); target="${ADMIN/\/postgres\?/\/$name?}"; key="$D/$4.pg.key"
  fi
  cp "$D/seed.db.key" "$key"; chmod 600 "$key"
  build "$engine" "$target" "$version" "$over" >"$D/build.log" 2>&1 || { bad "$label: building the old database: $(tail -3 "$D/build.log")"; return; }
  timeout 10 "$XF" serve --db "$target" --key-file "$key" --listen 127.0.0.1:0 >"$D/o" 2>"$D/e"
  grep -q "xingfu migrate" "$D/e" && ok "$label: serve refuses it until migrate" || bad "$label: serve on the old database: $(cat "$D/e")"
  local before; before=$(fingerprint "$engine" "$target")
  if "$XF" migrate --dry-run --db "$target" >"$D/dry" 2>"$D/err"; then ok "$label: migrate --dry-run"; else bad "$label: dry-run: $(cat "$D/err")"; fi
  local steps; steps=$(grep -c "应用迁移" "$D/dry")
  [ "$steps" = $((LATEST - version)) ] && ok "$label: dry run lists the $steps pending migrations" || bad "$label: dry run lists $steps: $(cat "$D/dry")"
  if [ "$over" = c5c0bf5 ]; then
    grep -q "outbox.token_id" "$D/dry" && ok "$label: dry run names the outbox.token_id repair" || bad "$label: repair not listed: $(cat "$D/dry")"
  fi
  [ "$(fingerprint "$engine" "$target")" = "$before" ] && ok "$label: the dry run changed nothing" || bad "$label: dry run changed the database"
  if "$XF" migrate --db "$target" >"$D/mig" 2>"$D/err"; then ok "$label: migrate"; else bad "$label: migrate: $(cat "$D/err")"; return; fi
  "$XF" migrate --dry-run --db "$target" >"$D/dry" 2>&1 && grep -q "无需迁移" "$D/dry" && ok "$label: nothing left to do" || bad "$label: after migrate: $(cat "$D/dry")"
  if [ "$engine" = sqlite ]; then
    schema sqlite "$target" >"$D/up.schema"
    diff "$D/fresh.sqlite.schema" "$D/up.schema" >"$D/schema.diff" && ok "$label: schema equals a fresh database's" || bad "$label: schema differs: $(head -c 600 "$D/schema.diff")"
  else
    schema postgres "$target" >"$D/up.schema"
    diff "$D/fresh.pg.schema" "$D/up.schema" >"$D/schema.diff" && ok "$label: schema equals a fresh database's" || bad "$label: schema differs: $(head -c 600 "$D/schema.diff")"
  fi
  local counts; counts=$(sql "$engine" "$target" "SELECT (SELECT count(*) FROM places WHERE id >= 1000) || ' ' || (SELECT count(*) FROM users WHERE id >= 1000) || ' ' || (SELECT count(*) FROM audit_log WHERE id >= 1000) || ' ' || (SELECT count(*) FROM outbox WHERE id >= 1000) || ' ' || (SELECT name FROM people WHERE id = 1000)")
  [ "$counts" = "7 2 2 2 升级居民" ] && ok "$label: core rows survived" || bad "$label: core rows: $counts"
  if [ "$version" -ge 2 ]; then
    counts=$(sql "$engine" "$target" "SELECT (SELECT count(*) FROM orgs WHERE id >= 1000) || ' ' || (SELECT status FROM party_members WHERE person_id = 1000) || ' ' || (SELECT post FROM positions WHERE id = 1000)")
    [ "$counts" = "2 retired committee_member" ] && ok "$label: registry rows survived" || bad "$label: registry rows: $counts"
  fi
  if [ "$version" -ge 4 ]; then
    counts=$(sql "$engine" "$target" "SELECT (SELECT title FROM cases WHERE id = 1000) || ' ' || (SELECT webhook_url FROM api_tokens WHERE id = 1000) || ' ' || (SELECT count(*) FROM outbox WHERE token_id IS NULL)")
    [ "$counts" = "升级测试诉求 https://12345.example.gov.cn/hook 2" ] && ok "$label: case and token survived, outbox.token_id there" || bad "$label: case rows: $counts"
  fi
  "$XF" audit verify --db "$target" --key-file "$key" >"$D/av" 2>&1 && ok "$label: audit verify" || bad "$label: audit verify: $(cat "$D/av")"
  "$XF" points verify --db "$target" >"$D/pv" 2>&1 && ok "$label: points verify" || bad "$label: points verify: $(cat "$D/pv")"
  if ! start_server "$engine" "$target" "$key"; then bad "$label: serve after upgrade: $(cat "$D/err")"; return; fi
  local U2="http://127.0.0.1:$PORT"
  code=$(curl -s -c "$D/jar" -o "$D/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"up_jumin\",\"password\":\"$PW\"}" "$U2/api/session")
  [ "$code" = 200 ] && ok "$label: the old account signs in" || bad "$label: sign-in $code $(cat "$D/login.json")"
  local csrf; csrf=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login.json")
  code=$(curl -s -b "$D/jar" -o "$D/new.json" -w '%{http_code}' -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"category":"sanitation","title":"升级后的诉求","description":"升级后提交的诉求"}' "$U2/api/cases")
  [ "$code" = 201 ] && ok "$label: a new case is taken (every table it touches is current)" || bad "$label: new case $code $(head -c 300 "$D/new.json")"
  if [ "$version" -ge 4 ]; then
    curl -s -b "$D/jar" "$U2/api/cases?mine=1" >"$D/list.json"
    grep -q "升级测试诉求" "$D/list.json" && ok "$label: the resident sees the case from before the upgrade" || bad "$label: old case not listed: $(head -c 300 "$D/list.json")"
  fi
  kill -TERM "$PID"; wait "$PID"; local rc=$?; PID=""
  [ "$rc" = 0 ] && ok "$label: stops cleanly" || bad "$label: exit $rc"
}

for r in $RELEASES; do
  IFS=: read -r v over label <<<"$r"
  check_release sqlite "$v" "$over" "$label"
done

# Before the identity rework (b32a063, 623e068: development only) there is no upgrade path:
# migrate refuses with a clear message and changes nothing.
sqlite3 "$D/old.db" <"$U/b32a063/sqlite/0001_core.sql" && sqlite3 "$D/old.db" "INSERT INTO meta VALUES ('schema_version', '1')"
before=$(sqlite3 "$D/old.db" .dump | sha256sum)
"$XF" migrate --db "$D/old.db" >"$D/out" 2>"$D/err"; rc=$?
[ "$rc" = 1 ] && grep -q "身份功能之前" "$D/err" && ok "sqlite v1 (b32a063): refused with a reason" || bad "b32a063: exit $rc $(cat "$D/err")"
[ "$(sqlite3 "$D/old.db" .dump | sha256sum)" = "$before" ] && ok "sqlite v1 (b32a063): nothing changed" || bad "b32a063: database changed"

if [ -n "$ADMIN" ]; then
  psql -q "$ADMIN" -c "CREATE DATABASE xfup_$$_fresh" && DBS+=("xfup_$$_fresh")
  FRESH="${ADMIN/\/postgres\?/\/xfup_$$_fresh?}"
  (cd "$D" && "$XF" init --db "$FRESH" --key-file "$D/fresh.pg.key" >/dev/null 2>&1) || bad "init on PostgreSQL"
  schema postgres "$FRESH" >"$D/fresh.pg.schema"
  for r in $RELEASES; do
    IFS=: read -r v over label <<<"$r"
    check_release postgres "$v" "$over" "$label"
  done
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
