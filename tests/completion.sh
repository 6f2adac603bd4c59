#!/usr/bin/env bash
# tests/completion.sh: the bash completion (tools/completion/bookbuild.bash) sourced and asked as
# bash asks it (COMP_WORDS, COMP_CWORD, then COMPREPLY): commands, a command's options, --paper's
# values, folders for -C, files for -o. Prints one line per case; exits 1 on a failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
# `complete` exists only in an interactive-capable bash; sourcing still defines _bookbuild.
# shellcheck source=../tools/completion/bookbuild.bash
source "$root/tools/completion/bookbuild.bash"
work=$(mktemp -d "${TMPDIR:-/tmp}/bookbuild-completion.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/book-one" "$work/book-two"
touch "$work/book-notes.txt"
cd "$work" || exit 1
failed=0
expect() { # "words..." -- expected replies (sorted, space-separated)
  local line=$1 want=$2 got
  read -r -a COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _bookbuild
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$want" ]; then
    echo "ok: '$line' -> $want"
  else
    echo "FAIL: '$line' -> '$got', expected '$want'"
    failed=1
  fi
}
expect "bookbuild ep" "epub"
expect "bookbuild i" "import init"
expect "bookbuild check --f" "--fix"
expect "bookbuild pdf --paper " "6x9 7x9.25 a4 letter"
expect "bookbuild pdf --paper l" "letter"
expect "bookbuild pdf --ver" "--verbose"
expect "bookbuild epub -C book" "book-one book-two"
expect "bookbuild epub -o book" "book-notes.txt book-one book-two"
expect "bookbuild init book" "book-one book-two"
expect "bookbuild b" "build"
expect "bookbuild build --" "--directory --draft --epub --help --pdf --verbose"
expect "bookbuild build --pdf book" "book-notes.txt book-one book-two"
expect "bookbuild epub --no" "--no-page-list"
expect "bookbuild code --" "--chapter --directory --filter --help --jobs --python"
expect "bookbuild w" "watch"
expect "bookbuild s" "serve"
expect "bookbuild watch " "check epub pdf"
expect "bookbuild watch e" "epub"
expect "bookbuild watch -" "--directory --help --output -C -o"
expect "bookbuild serve --p" "--port"
expect "bookbuild serve --port " ""

# zsh (tools/completion/_bookbuild): with compsys's _describe and _arguments stubbed to print
# what they are given, the first word offers every command, and each command's option specs are
# well-formed (one spec per option, no brace left unexpanded).
if command -v zsh >/dev/null; then
  zsh_says() {
    zsh -f -c '_describe() { local arr=${@[-1]}; print -l -- ${(P)arr}; }
      _arguments() { print -l -- "$@"; }
      source "$1"; words=("${@:2}"); CURRENT=$(( $# - 1 )); _bookbuild' zsh "$root/tools/completion/_bookbuild" "$@" 2>&1
  }
  got=$(zsh_says bookbuild "" | sed -n 's/^\([a-z]*\):.*/\1/p' | sort | tr '\n' ' ')
  want="build check code epub help import init pdf serve watch "
  if [ "$got" = "$want" ]; then echo "ok: zsh: bookbuild <TAB>"; else
    echo "FAIL: zsh: bookbuild <TAB>: got '$got', want '$want'"; failed=1; fi
  for cmd in init check code build epub pdf watch serve import; do
    specs=$(zsh_says bookbuild "$cmd" "")
    if [ -z "$specs" ] || grep -q '[{}]' <<<"$specs"; then
      echo "FAIL: zsh: bookbuild $cmd <TAB>" && printf '%s\n' "$specs" | sed 's/^/    /'; failed=1
    else
      echo "ok: zsh: bookbuild $cmd <TAB>"
    fi
  done
fi
exit $failed
