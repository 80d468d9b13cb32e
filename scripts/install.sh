#!/usr/bin/env bash
# Installs jsock under a prefix (default ~/.local): the launcher in PREFIX/bin, the jars in
# PREFIX/share/jsock, a man page per command in PREFIX/share/man/man1, bash and zsh completion.
#   scripts/install.sh [--prefix DIR]              (also: ./jsock install [--prefix DIR])
#   scripts/install.sh --uninstall [--prefix DIR]  removes exactly what install put there
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
prefix="${HOME:-/root}/.local" uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install: unknown argument '$(printf '%q' "$1")'; expected --prefix DIR or --uninstall" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
share="$prefix/share/jsock" manifest="$prefix/share/jsock/installed-files"

if [ "$uninstall" = 1 ]; then
  [ -f "$manifest" ] || { echo "install: nothing installed under $prefix (no $manifest)" >&2; exit 1; }
  while IFS= read -r f; do rm -f -- "$prefix/$f"; done <"$manifest"
  rm -f -- "$manifest"
  # the directories install may have made, deepest first; only empty ones go, never the prefix itself
  for dir in share/jsock share/man/man1 share/man share/bash-completion/completions share/bash-completion \
             share/zsh/site-functions share/zsh share bin; do
    rmdir --ignore-fail-on-non-empty "$prefix/$dir" 2>/dev/null || true
  done
  echo "jsock: uninstalled from $prefix"
  exit 0
fi

# Build (or reuse) the jars through the checkout's launcher: it locks and logs the build.
"$here/jsock" --version >/dev/null
"$here/jsock" bench --help >/dev/null 2>&1 || true # builds the bench jar; `jsock bench` starts it
JAVA_HOME="$("$here/scripts/java-home.sh")"

files=()
put() { # put SOURCE RELATIVE-TARGET MODE
  install -D -m "$3" "$1" "$prefix/$2"
  files+=("$2")
}
put "$here/cli/target/jsock.jar" share/jsock/jsock.jar 644
[ -f "$here/bench/target/jsock-bench.jar" ] && put "$here/bench/target/jsock-bench.jar" share/jsock/jsock-bench.jar 644
put "$here/scripts/java-home.sh" share/jsock/java-home.sh 755

launcher="$(mktemp)" docs="$(mktemp -d)"
trap 'rm -rf "$launcher" "$docs"' EXIT
cat >"$launcher" <<'LAUNCHER'
#!/usr/bin/env bash
# jsock, as installed by scripts/install.sh: finds a JDK >= 25 and runs the installed jar.
set -euo pipefail
share="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../share/jsock" && pwd)"
if ! JAVA_HOME="$("$share/java-home.sh")"; then
  echo "jsock: needs a JDK 25 or newer (set JAVA_HOME, put it on PATH, or install one under /usr/lib/jvm)" >&2
  exit 2
fi
export JAVA_HOME
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${JSOCK_JAVA_OPTS:-} -jar "$share/jsock.jar" "$@"
LAUNCHER
put "$launcher" bin/jsock 755

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/cli/target/jsock.jar" io.jsock.cli.Docs "$docs"
for page in "$docs"/man1/*.1; do put "$page" "share/man/man1/$(basename "$page")" 644; done
put "$docs/completion/jsock.bash" share/bash-completion/completions/jsock 644
{ echo '#compdef jsock'; echo 'autoload -U +X bashcompinit && bashcompinit'; cat "$docs/completion/jsock.bash"; } >"$docs/_jsock"
put "$docs/_jsock" share/zsh/site-functions/_jsock 644

printf '%s\n' "${files[@]}" >"$manifest"
echo "jsock: installed in $prefix (bin/jsock, ${#files[@]} files; man jsock; uninstall: $0 --uninstall --prefix $prefix)"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "jsock: $prefix/bin is not on PATH" ;; esac
