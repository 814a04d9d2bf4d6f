# Sourced by build.sh and fuzz.sh: when ccache is installed (install-deps.sh installs it), sets
# ccache_launcher to the CMake flag that compiles through it. Paths are made relative to the
# checkout so a fresh clone in another folder hits the entries of ~/.cache/ccache.
ccache_launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  ccache_launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
