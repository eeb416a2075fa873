#!/usr/bin/env bash
# Remakes the embedded set: scikit-image 0.26.0's public-domain and CC0 sample images, longest side 256 px.
# Needs pip (PyPI) and a built stylelab; run from the repository's top folder:
#   swift build -c release && datasets/embedded/make_embedded.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stylelab=${STYLELAB:-.build/release/stylelab}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: scikit-image==0.26.0 -d "$work"
unzip -q -o "$work"/scikit_image-0.26.0-*.whl 'skimage/data/*' -d "$work"
for name in astronaut chelsea coffee rocket brick grass gravel; do
    source=$(ls "$work/skimage/data/$name".* | head -n 1)
    "$stylelab" convert "$source" "$here/$name.png" --fit 256 --method area
done
# Derived pictures: a known filter (Gaussian blur, σ = 2 px), so that a learned-filter analogy has a true B′.
for name in coffee chelsea; do
    "$stylelab" convert "$here/$name.png" "$here/$name-blur.png" --blur 2
done
# A public-domain painting for the walkthroughs' artistic filter, from the research set's paintings/ folder
# (PAINTINGS=../shared/datasets/paintings); its SHA-256 there is in datasets/paintings.json.
if [ -n "${PAINTINGS:-}" ]; then
    "$stylelab" convert "$PAINTINGS/starry_night.jpg" "$here/starry-night.png" --fit 256 --method area
fi
(cd "$here" && sha256sum ./*.png > SHA256SUMS)
