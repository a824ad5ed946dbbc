#!/usr/bin/env bash
# Builds everything the lent GPU machine needs into .gpu/ (ignored by git, carried by the
# device tool with carry: [".gpu"]):
#   .gpu/jre.txz     Java 25 runtime (../shared/gpu/pack-jre.sh)
#   .gpu/lib/        library jar + its test-jar, bench jar, all runtime deps (JCuda, JCusparse,
#                    JMH), junit-platform-console-standalone
#   .gpu/commit.txt  short git hash, "-dirty" when the tree has uncommitted changes
# Run from the project root: bash ci/gpu-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -x "$JAVA_HOME/bin/java" ]] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1   # junit-bom 5.14.1

mvn_args=(-B -q -DskipTests)
if [[ ! -f ci/build-kernels.sh ]]; then
    echo "gpu-bundle: ci/build-kernels.sh not in this tree — building without kernels (-Dexec.skip)"
    mvn_args+=(-Dexec.skip=true)
fi
mvn "${mvn_args[@]}" package

# pack-jre.sh appends /.gpu/ to .git/info/exclude; in a git worktree .git is a file, so run it
# in a scratch folder there (/.gpu/ is in .gitignore anyway), keeping its cache stamp.
pack=$(cd ../shared/gpu && pwd)/pack-jre.sh
jre_extra=java.xml   # the JUnit console launcher writes XML reports
if [[ -d .git ]]; then
    bash "$pack" "$jre_extra"
else
    scratch=$(mktemp -d)
    mkdir -p "$scratch/.git/info" "$scratch/.gpu" .gpu
    cp .gpu/jre.txz .gpu/jre.modules "$scratch/.gpu/" 2>/dev/null || true
    (cd "$scratch" && bash "$pack" "$jre_extra")
    cp "$scratch/.gpu/jre.txz" "$scratch/.gpu/jre.modules" .gpu/
    rm -rf "$scratch"
fi

rm -rf .gpu/lib
mkdir -p .gpu/lib
shopt -s nullglob
lib_jars=(java/target/reckernels-[0-9]*.jar)
[[ ${#lib_jars[@]} -ge 2 ]] || { echo "gpu-bundle: library jar or test-jar missing under java/target" >&2; exit 1; }
cp java/target/reckernels-[0-9]*.jar bench/target/reckernels-bench-[0-9]*.jar .gpu/lib/
cp -n java/target/lib/*.jar bench/target/lib/*.jar .gpu/lib/ 2>/dev/null || true
mvn -B -q dependency:copy -Dartifact=$JUNIT_CONSOLE -DoutputDirectory=.gpu/lib
ls .gpu/lib/junit-platform-console-standalone-*.jar >/dev/null

hash=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then hash="$hash-dirty"; fi
echo "$hash" > .gpu/commit.txt

total=$(du -sb .gpu | cut -f1)
echo "gpu-bundle: .gpu is $((total / 1024 / 1024)) MiB ($(ls .gpu/lib | wc -l) jars, commit $hash)"
if (( total > 48 * 1024 * 1024 )); then
    echo "gpu-bundle: .gpu is over 48 MiB — too close to the 64 MiB the device call carries" >&2
    exit 1
fi
