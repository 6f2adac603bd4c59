# bash completion for bookbuild: commands, each command's options, --paper's values, watch's
# targets, files for -o, --epub, --pdf and import's RAW, folders for -C and init's DIR. Installed
# by `make install` as $(PREFIX)/share/bash-completion/completions/bookbuild.

_bookbuild() {
  local cur prev cmd opts
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  local commands="init check code build epub pdf watch serve import help --help --version"
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    return 0
  fi
  cmd=${COMP_WORDS[1]}
  case $prev in
    -C | --directory)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return 0
      ;;
    -o | --output | --epub | --pdf)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    --paper)
      mapfile -t COMPREPLY < <(compgen -W "a4 letter 6x9 7x9.25" -- "$cur")
      return 0
      ;;
    --python)
      mapfile -t COMPREPLY < <(compgen -c -- "$cur")
      return 0
      ;;
    -j | --jobs | --chapter | --filter | --port)
      return 0
      ;;
  esac
  case $cmd in
    init) opts="--help" ;;
    check) opts="-C --directory --werror --fix --help" ;;
    code) opts="-C --directory --python -j --jobs --chapter --filter --help" ;;
    build) opts="-C --directory --epub --pdf --draft -v --verbose --help" ;;
    epub) opts="-C --directory -o --output --draft --no-page-list --help" ;;
    pdf) opts="-C --directory -o --output --paper --chapter --draft -v --verbose --help" ;;
    watch) opts="-C --directory -o --output --help" ;;
    serve) opts="-C --directory --port --help" ;;
    import) opts="-o --output --help" ;;
    *) return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  elif [ "$cmd" = watch ]; then
    mapfile -t COMPREPLY < <(compgen -W "epub pdf check" -- "$cur")
  elif [ "$cmd" = init ]; then
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
  elif [ "$cmd" = import ]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
  return 0
}
complete -o filenames -F _bookbuild bookbuild
