#!/usr/bin/env bash
# Install the C library: libzoom_sdk.so and libzoom_sdk.a, include/zoom_sdk.h and a pkg-config
# file, under PREFIX (default /usr/local). Then:
#   cc example.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs zoom_sdk)
# PROFILE=debug installs the debug build (what the test command uses; release by default).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "$profile" = release ]; then
  cargo build --release -q -p zoom-ffi
else
  cargo build -q -p zoom-ffi
fi
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
# Cargo names the library after its crate (zoom_sdk_ffi); C programs link it as zoom_sdk.
cp "$target/$profile/libzoom_sdk_ffi.so" "$prefix/lib/libzoom_sdk.so"
cp "$target/$profile/libzoom_sdk_ffi.a" "$prefix/lib/libzoom_sdk.a"
cp include/zoom_sdk.h "$prefix/include/zoom_sdk.h"
cat > "$prefix/lib/pkgconfig/zoom_sdk.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: zoom_sdk
Description: The C ABI of zoom-sdk, a typed client of the Zoom REST API
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lzoom_sdk
Libs.private: -lpthread -ldl -lm
PC
echo "installed zoom_sdk $version ($profile) under $prefix"
