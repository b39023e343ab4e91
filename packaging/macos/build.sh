#!/usr/bin/env bash
# Build nnsim for macOS (run on a Mac): dist/nnsim.app, then dist/nnsim-<version>-macos-<arch>.dmg.
#   packaging/macos/build.sh
# PYTHON picks the interpreter (default python3, e.g. the active venv's); it needs nnsim and
# pyinstaller. The version comes from nnsim.__version__; iconutil and hdiutil come with macOS.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
version=$("$PYTHON" -c 'import nnsim; print(nnsim.__version__)')

# The .icns the spec picks up: rendered from the SVG, packed by Apple's iconutil.
rm -rf build/nnsim.iconset
"$PYTHON" packaging/make_icons.py --iconset build/nnsim.iconset
iconutil -c icns build/nnsim.iconset -o build/nnsim.icns

"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  packaging/nnsim.spec

# A disk image with the app and a link to /Applications to drag it onto.
staging=build/dmg
rm -rf "$staging"
mkdir -p "$staging"
cp -R dist/nnsim.app "$staging/"
ln -s /Applications "$staging/Applications"
dmg="dist/nnsim-$version-macos-$(uname -m).dmg"
hdiutil create -volname "nnsim $version" -srcfolder "$staging" -ov -format UDZO "$dmg"
echo "disk image: $dmg"
