#!/bin/bash
# Measures the shipped feed-forward models on images their training never saw (see scripts/train-models.sh):
#   - each WCT decoder's reconstruction PSNR (encode at its layer, decode; α = 0 leaves the features as they are);
#   - how far WCT (the default four levels, and all five) moves the VGG Gram distance to the style, as a share of
#     the content's own distance (0 %: no change, 100 %: the style's Gram matrices exactly);
#   - the whole-command time of `wct` and `fast-style` at 512 pixels.
# Usage: scripts/measure-feed-forward.sh DATASETS MODELS OUT [STYLELAB]. Prints Markdown tables; files go to OUT.
set -euo pipefail
data=${1:?usage: measure-feed-forward.sh DATASETS MODELS OUT [STYLELAB]}
models=${2:?usage}; out=${3:?usage}; stylelab=${4:-.build/release/stylelab}
mkdir -p "$out"
contents=("photos/chelsea_cat.png" "photos/coffee_cup.png" "paintings/mona_lisa.jpg")
styles=("paintings/starry_night.jpg" "paintings/woman_with_a_hat.jpg" "paintings/great_wave_off_kanagawa.jpg")
json() { python3 -c "import json,sys; print('%.4f' % json.load(sys.stdin)['$1'])"; }
name() { basename "${1%.*}"; }

for c in "${contents[@]}"; do "$stylelab" convert "$data/$c" "$out/$(name "$c")-512.png" --fit 512; done

echo "| Decoder | $(for c in "${contents[@]}"; do printf '%s PSNR (dB) | ' "$(name "$c")"; done)"
echo "|---|$(for c in "${contents[@]}"; do printf -- '---|'; done)"
for layer in relu1_1 relu2_1 relu3_1 relu4_1 relu5_1; do
  row="| $layer |"
  for c in "${contents[@]}"; do
    ref="$out/$(name "$c")-512.png" rec="$out/$(name "$c")-$layer.png"
    "$stylelab" wct --content "$ref" --style "$ref" --levels "$layer" --alpha 0 --decoders "$models" --size 0 \
      -o "$rec" --quiet
    row+=" $("$stylelab" metrics --output "$rec" --reference "$ref" --json | json psnr) |"
  done
  echo "$row"
done

# The Gram distance is scale-dependent (a painting's strokes at 1024 px are other features than at 512), so the
# share is measured against the style as WCT was given it (fitted to 512, like the content), and, for comparison,
# against the style file at its own size, as the first version of this script did.
echo
echo "| Content | Style | measured against | content's distance | 4 levels (default) | share | 5 levels | share |"
echo "|---|---|---|---|---|---|---|---|"
five=relu5_1,relu4_1,relu3_1,relu2_1,relu1_1
for s in "${styles[@]}"; do "$stylelab" convert "$data/$s" "$out/$(name "$s")-512.png" --fit 512; done
for c in "${contents[@]}"; do
  for s in "${styles[@]}"; do
    ref="$out/$(name "$c")-512.png" result="$out/wct-$(name "$c")-$(name "$s")"
    "$stylelab" wct --content "$ref" --style "$data/$s" --decoders "$models" -o "$result.png" --quiet
    "$stylelab" wct --content "$ref" --style "$data/$s" --decoders "$models" --levels $five -o "$result-5.png" --quiet
    for target in "$out/$(name "$s")-512.png" "$data/$s"; do
      label="style at 512"; [ "$target" = "$data/$s" ] && label="style file as is"
      before=$("$stylelab" metrics --output "$ref" --style "$target" --json | json gram_distance)
      row="| $(name "$c") | $(name "$s") | $label | $before |"
      for r in "$result.png" "$result-5.png"; do
        after=$("$stylelab" metrics --output "$r" --style "$target" --json | json gram_distance)
        row+=" $after | $(python3 -c "print('%.0f %%' % (100 * (1 - $after / $before)))") |"
      done
      echo "$row"
    done
  done
done

echo
echo "| Command (Mona Lisa at 512) | wall seconds, best of 5 |"
echo "|---|---|"
time_best() {
  local best=""
  for _ in 1 2 3 4 5; do
    local t0=$(date +%s.%N); "$@" > /dev/null; local t1=$(date +%s.%N)
    best=$(python3 -c "t = $t1 - $t0; b = '$best'; print('%.2f' % (t if not b else min(t, float(b))))")
  done
  echo "$best"
}
"$stylelab" convert "$data/photos/chelsea_cat.png" "$out/square-512.png" --resize 512x512
for levels in relu4_1,relu3_1,relu2_1,relu1_1 $five; do
  echo "| stylelab wct --levels $levels | $(time_best "$stylelab" wct --content "$data/paintings/mona_lisa.jpg" \
    --style "$data/paintings/starry_night.jpg" --decoders "$models" --levels $levels -o "$out/time-wct.png" --quiet) |"
  echo "| the same, content 512 × 512 | $(time_best "$stylelab" wct --content "$out/square-512.png" \
    --style "$data/paintings/starry_night.jpg" --decoders "$models" --levels $levels -o "$out/time-wct.png" --quiet) |"
done
for model in "$models"/fast-style-*.safetensors; do
  echo "| stylelab fast-style $(basename "$model") | $(time_best "$stylelab" fast-style --model "$model" \
    --content "$data/paintings/mona_lisa.jpg" -o "$out/time-fast.png" --quiet) |"
done
