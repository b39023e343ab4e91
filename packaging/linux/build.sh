#!/usr/bin/env bash
# Build nnsim for Linux: the PyInstaller folder dist/nnsim/, then dist/nnsim-<version>-linux-<arch>.tar.gz
# and dist/nnsim_<version>_<arch>.deb (installs to /opt/nnsim, /usr/bin/nnsim, a desktop entry, icons).
#
#   packaging/linux/build.sh               # bundle, .tar.gz and .deb
#   packaging/linux/build.sh --bundle-only # just dist/nnsim/ (what CI tests)
#
# PYTHON picks the interpreter (default python3, e.g. the active venv's); it needs nnsim and
# pyinstaller installed. The version comes from nnsim.__version__.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
bundle_only=false
case "${1:-}" in
  --bundle-only) bundle_only=true ;;
  "") ;;
  *) echo "usage: $0 [--bundle-only]" >&2; exit 2 ;;
esac

version=$("$PYTHON" -c 'import nnsim; print(nnsim.__version__)')
echo "building nnsim $version"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/nnsim.spec
echo "bundle: dist/nnsim/ ($(du -sh dist/nnsim | cut -f1))"
if $bundle_only; then
  exit 0
fi

arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
tarball="dist/nnsim-$version-linux-$(uname -m).tar.gz"
tar -C dist -czf "$tarball" nnsim
echo "archive: $tarball ($(du -h "$tarball" | cut -f1))"

# The .deb: the bundle under /opt, a command on the PATH, the launcher entry and its icons.
root="build/deb/nnsim_${version}_$arch"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin"
cp -a dist/nnsim "$root/opt/nnsim"
ln -s /opt/nnsim/nnsim "$root/usr/bin/nnsim"
install -D -m 644 packaging/linux/nnsim.desktop "$root/usr/share/applications/nnsim.desktop"
for size in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "resources/icons/nnsim-$size.png" \
    "$root/usr/share/icons/hicolor/${size}x$size/apps/nnsim.png"
done
install -D -m 644 resources/icons/nnsim.svg "$root/usr/share/icons/hicolor/scalable/apps/nnsim.svg"
chmod -R u=rwX,go=rX "$root"

# The newest glibc symbol any bundled library needs is the oldest glibc the package runs on.
glibc=$(find dist/nnsim -type f \( -name '*.so*' -o -name nnsim \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
cat > "$root/DEBIAN/control" <<EOF
Package: nnsim
Version: $version
Section: education
Priority: optional
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-nnsim maintainers <nnsim@localhost>}
Installed-Size: $(du -sk "$root" | cut -f1)
Depends: libc6 (>= $glibc), libstdc++6, libgcc-s1, libexpat1, libgl1, libegl1, libxcb1, libfontconfig1, fonts-dejavu-core | fonts-freefont-ttf | fonts-liberation
Recommends: libwayland-client0, libwayland-cursor0, libwayland-egl1, libdrm2
Description: visual neural-network simulator for teaching
 nnsim draws what a Neural Network Basics lecture explains: activation
 functions, the perceptron and its learning rule, forward and backward
 propagation step by step, and Keras-style training on XOR, 2-D point clouds
 and handwritten digits. It bundles Python, Qt, NumPy and scikit-learn and
 works offline.
EOF
deb="dist/nnsim_${version}_$arch.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "package: $deb ($(du -h "$deb" | cut -f1))"
