#!/usr/bin/env bash
# tests/watch.sh: `bookbuild watch` and `bookbuild serve` driven as an author drives them, on
# copies of the good-book fixture. Usage: BOOKBUILD=path tests/watch.sh
#   watch epub: the first build; a broken edit reports its diagnostic and keeps the last good
#   EPUB byte for byte; an editor's save (temporary file renamed over the chapter, a backup
#   written) rebuilds once with the new text; a folder made while watching is watched; SIGTERM
#   ends it cleanly, no temporary file left;
#   serve (HTTP, no browser): the index lists the chapters; /events sends a message after an
#   edit; the page then holds the new text, and a broken edit's diagnostic, escaped; paths
#   outside the EPUB get 404, with a page that reloads itself.
# Every wait polls for its result with a generous deadline (no fixed sleep decides anything).
# Prints one line per case ("ok: ..." or "FAIL: ..."); exits 1 on a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bb=${BOOKBUILD:-$here/../tools/bookbuild/bookbuild}
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-watch.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failed=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/    /'; failed=1; }

# until TIMEOUT-SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; 1 on timeout.
until_ok() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}
lines() { # FILE ERE: how many lines of FILE match (0 before FILE exists)
  local n
  n=$(grep -c -E -- "$2" "$1" 2>/dev/null)
  echo "${n:-0}"
}
at_least() { [ "$(lines "$1" "$2")" -ge "$3" ]; }

chapter=manuscript/chapters/01-markup.md
epub=build/the-good-book-of-markdown.epub
broken='A broken [link](nowhere<b>.md) here.'

# ---- watch epub ----
book=$work/watched
cp -R "$here/fixtures/good-book/." "$book/"
log=$work/watch.log
(cd "$book" && exec "$bb" watch epub 2>"$log") &
watch_pid=$!
pids+=("$watch_pid")
if until_ok 60 at_least "$log" "^built $epub in [0-9.]+ s\$" 1; then
  ok "watch: the first build"
else
  bad "watch: no first build" "$(cat "$log")"
fi
good=$(cksum <"$book/$epub")
printf '\n%s\n' "$broken" >>"$book/$chapter"
if until_ok 60 at_least "$log" "^epub: 1 error, 0 warnings in [0-9.]+ s; $epub kept as it was\$" 1 &&
   grep -qF "$chapter:69:17: error: link target 'nowhere<b>.md' does not exist [link-target]" "$log"; then
  ok "watch: a broken edit reports its diagnostic"
else
  bad "watch: no diagnostic after a broken edit" "$(cat "$log")"
fi
if [ "$(cksum <"$book/$epub")" = "$good" ]; then
  ok "watch: the last good EPUB survives the broken edit"
else
  bad "watch: the broken edit changed the EPUB"
fi
# An editor's save: the new text to a temporary file, renamed over the chapter, a backup.
python3 - "$book/$chapter" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read().replace('A broken [link](nowhere<b>.md) here.\n', 'Watched edit.\n')
open(path + '.tmp', 'w').write(text)
os.replace(path + '.tmp', path)
open(path + '~', 'w').write(text)
PY
if until_ok 60 at_least "$log" "^built $epub in [0-9.]+ s\$" 2 &&
   unzip -p "$book/$epub" OEBPS/text/01-markup.xhtml | grep -q '<p>Watched edit.</p>'; then
  ok "watch: the fixed chapter rebuilds with its new text"
else
  bad "watch: no rebuild after the fix" "$(cat "$log")"
fi
# A folder made while watching is watched too: a file written in it rebuilds.
mkdir "$book/manuscript/notes"
until_ok 60 at_least "$log" "^built $epub in [0-9.]+ s\$" 3
echo 'A note.' >"$book/manuscript/notes/todo.txt"
if until_ok 60 at_least "$log" "^built $epub in [0-9.]+ s\$" 4; then
  ok "watch: a file in a folder made while watching rebuilds"
else
  bad "watch: no rebuild for a file in a new folder" "$(cat "$log")"
fi
kill -TERM "$watch_pid"
wait "$watch_pid"
code=$?
reports=$(lines "$log" "^(built|epub:) ")
temps=$(find "$book/build" -name '.*' -type f | wc -l)
if [ "$code" = 0 ] && [ "$(tail -n 1 "$log")" = "stopped watching" ] && [ "$reports" = 5 ] &&
   [ "$temps" = 0 ]; then
  ok "watch: SIGTERM ends it cleanly (5 builds for 5 changes, no temporary file left)"
else
  bad "watch: exit $code, $reports builds, $temps temporary files" "$(cat "$log")"
fi

# ---- serve, over HTTP ----
book=$work/served
cp -R "$here/fixtures/good-book/." "$book/"
log=$work/serve.log
(cd "$book" && exec "$bb" serve --port 0 2>"$log") &
pids+=($!)
if until_ok 60 at_least "$log" "^built $epub in" 1; then
  url=$(sed -n 's|^serving the preview at \(http://127\.0\.0\.1:[0-9]*/\) (Ctrl-C stops)$|\1|p' "$log")
else
  bad "serve: no first build" "$(cat "$log")"
  exit 1
fi
index=$(curl -sf "$url")
if grep -qF '<li><a href="/OEBPS/text/01-markup.xhtml">1. Inline and Block Markup</a></li>' <<<"$index"; then
  ok "serve: the index lists the chapters"
else
  bad "serve: index" "$index"
fi
page=${url}OEBPS/text/01-markup.xhtml
events=$work/events
curl -sN "${url}events" >"$events" &
pids+=($!)
until_ok 60 at_least "$events" '^data: 1$' 1 || bad "serve: /events sent nothing" "$(cat "$events")"
printf '\nServed edit.\n' >>"$book/$chapter"
if until_ok 60 at_least "$events" '^data: 2$' 1 && curl -sf "$page" | grep -q '<p>Served edit.</p>'; then
  ok "serve: an edit sends an event, and the page holds the new text"
else
  bad "serve: no event or no new text after an edit" "$(cat "$events" "$log")"
fi
printf '\n%s\n' "$broken" >>"$book/$chapter"
if until_ok 60 at_least "$events" '^data: 3$' 1 &&
   curl -sf "$page" | grep -qF "link target &apos;nowhere&lt;b&gt;.md&apos; does not exist [link-target]" &&
   curl -sf "$page" | grep -q '<p>Served edit.</p>'; then
  ok "serve: a broken edit's diagnostic is on the page, escaped, over the last good chapter"
else
  bad "serve: no diagnostic on the page" "$(curl -s "$page" | head -n 20)"
fi
refused=
for path in '/../manuscript/book.yaml' '/%2e%2e/%2e%2e/etc/passwd' '/OEBPS/..%2f..%2fmanuscript/toc.md' \
            '//etc/passwd' '/OEBPS/text/nowhere.xhtml' '/OEBPS\..\mimetype'; do
  code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "${url%/}$path")
  # libsoup itself answers 400 to an encoded "/" (a malformed path); every other one is ours.
  [ "$code" = 404 ] || { [ "$code" = 400 ] && [[ $path == *%2f* ]]; } || refused="$refused $path:$code"
done
if [ -z "$refused" ] &&
   curl -s "${url}OEBPS/text/99-later.xhtml" | grep -q "new EventSource('/events')"; then
  ok "serve: paths outside the EPUB get 404 (400 from libsoup for an encoded slash), a page that reloads"
else
  bad "serve: answered outside the EPUB:$refused (or the 404 page does not reload)"
fi
exit $failed
