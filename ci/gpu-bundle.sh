#!/usr/bin/env bash
# Builds everything the lent GPU machine needs into .gpu/ (ignored by git, carried by the
# device tool with carry: [".gpu"]):
#   .gpu/jre.txz     Java 25 runtime (jlink, as ../shared/gpu/pack-jre.sh)
#   .gpu/lib/        library jar + its test-jar, bench jar, all runtime deps (JCuda, JCusparse,
#                    JMH), junit-platform-console-standalone
#   .gpu/commit.txt  short git hash, "-dirty" when the tree has uncommitted changes
# Run from the project root: bash ci/gpu-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -x "$JAVA_HOME/bin/java" ]] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1   # junit-bom 5.14.1

mvn -B -q -DskipTests package

# The Java 25 runtime, as ../shared/gpu/pack-jre.sh makes it, plus java.xml (the JUnit console
# launcher's XML reports) and jdk.zipfs (its class-path scan opens the test jar as a file system;
# without it the scan silently finds 0 tests). Done inline so that the bundle also
# builds where ../shared is absent (CI's fresh clone) and in git worktrees.
mods=java.base,java.management,jdk.incubator.vector,jdk.unsupported,java.logging,java.xml,jdk.zipfs
mkdir -p .gpu
if [[ -f .gpu/jre.txz && "$(cat .gpu/jre.modules 2>/dev/null)" == "$mods" ]]; then
    echo "gpu-bundle: .gpu/jre.txz is current ($mods)"
else
    scratch=$(mktemp -d)
    "$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
        --output "$scratch/jre" 2>/dev/null
    tar -C "$scratch" -cJf .gpu/jre.txz jre
    echo "$mods" > .gpu/jre.modules
    rm -rf "$scratch"
    echo "gpu-bundle: wrote .gpu/jre.txz ($(du -h .gpu/jre.txz | cut -f1)) with $mods"
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

# The Gowalla split (6 MB) travels with the bundle: ../shared does not reach the GPU machine.
rm -rf .gpu/data
if [[ -f ../shared/data/gowalla/train.txt ]]; then
    mkdir -p .gpu/data/gowalla
    cp ../shared/data/gowalla/train.txt ../shared/data/gowalla/test.txt .gpu/data/gowalla/
fi

hash=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then hash="$hash-dirty"; fi
echo "$hash" > .gpu/commit.txt

total=$(du -sb .gpu | cut -f1)
echo "gpu-bundle: .gpu is $((total / 1024 / 1024)) MiB ($(ls .gpu/lib | wc -l) jars, commit $hash)"
if (( total > 48 * 1024 * 1024 )); then
    echo "gpu-bundle: .gpu is over 48 MiB — too close to the 64 MiB the device call carries" >&2
    exit 1
fi
