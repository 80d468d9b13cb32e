#!/usr/bin/env bash
# Prints the home of a JDK >= 25: JAVA_HOME when it is one, then `java` on PATH, then /usr/lib/jvm/*.
# Exits 1, printing nothing, when there is none.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}
candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
for d in /usr/lib/jvm/*/; do candidates+=("${d}bin/java"); done
for j in "${candidates[@]}"; do
  [ -x "$j" ] || continue
  v="$(java_major "$j")"
  if [ -n "$v" ] && [ "$v" -ge 25 ]; then cd "$(dirname "$j")/.." && pwd; exit 0; fi
done
exit 1
