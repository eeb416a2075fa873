#!/bin/bash
# Trains every network StyleLab ships in models/: the five WCT decoders, a Johnson fast-style model (Starry Night)
# and a Dumoulin three-style model. Usage: scripts/train-models.sh DATASETS OUT [STYLELAB]
#   DATASETS  the folder holding photos/ and paintings/ (see datasets/README.md for the files)
#   OUT       where the models, checkpoints and loss logs go
# Rerunning resumes each job from its checkpoint. Held out of every training set (so WCT is measured on images its
# decoders never saw): chelsea_cat, coffee_cup and the seed figure's paintings.
set -euo pipefail
data=${1:?usage: train-models.sh DATASETS OUT [STYLELAB]}
out=${2:?usage: train-models.sh DATASETS OUT [STYLELAB]}
stylelab=${3:-.build/release/stylelab}
mkdir -p "$out/models" "$out/checkpoints" "$out/logs"

images=()
for f in arches_rock_landscape.jpg astronaut_eileen_collins.png petra_tomb_facade.jpg rocket_falcon9_dscovr.jpg \
         spices.jpg; do images+=(--images "$data/photos/$f"); done
for f in cezanne_mont_sainte_victoire.jpg composition_vii.jpg klimt_the_kiss.jpg \
         monet_san_giorgio_maggiore_at_dusk.jpg seurat_seine_at_la_grande_jatte.jpg shipwreck_of_the_minotaur.jpg \
         the_scream.jpg; do images+=(--images "$data/paintings/$f"); done
images+=(--images "$data/videos/basketball1.png")

# run NAME ARGS...: one training job, resumed when its checkpoint exists, skipped when its model does.
run() {
  local name=$1; shift
  local model="$out/models/$name.safetensors" ckpt="$out/checkpoints/$name.safetensors"
  [ -f "$model" ] && { echo "$name: done"; return; }
  local resume=(); [ -f "$ckpt" ] && resume=(--resume "$ckpt")
  echo "$name: training ($(date -u +%H:%M))"
  "$stylelab" train "$@" "${images[@]}" --checkpoint "$ckpt" --checkpoint-every 50 "${resume[@]}" \
    --log "$out/logs/$name.csv" -o "$model"
}

# The deeper decoders cost more per pixel (a relu5_1 step about 40 times a relu1_1 step), so relu3_1 and relu4_1
# train on smaller crops. relu5_1 learned nothing end to end in the steps this machine affords (its first Adam step
# blew the loss up until a warm-up was added, and then it crept): its head (the layers in front of the relu4_1
# decoder's) learns instead to turn relu5_1 features into the relu4_1 features that decoder reads, with no pass back
# through VGG-19, and the relu4_1 decoder stays as it is; then the whole decoder trains a little on the paper's loss.
run wct-decoder-relu1_1 wct-decoder --layer relu1_1 --steps 300
run wct-decoder-relu2_1 wct-decoder --layer relu2_1 --steps 500
run wct-decoder-relu3_1 wct-decoder --layer relu3_1 --steps 400 --crop 96 --shorter-side 224 --learning-rate 5e-4
run wct-decoder-relu4_1 wct-decoder --layer relu4_1 --steps 400 --crop 64 --shorter-side 160 --learning-rate 5e-4
run fast-style-starry-night fast-style --style "$data/paintings/starry_night.jpg" --steps 800
paintings="$data/paintings"
run fast-style-three-styles fast-style --steps 900 \
  --style "$paintings/starry_night.jpg,$paintings/woman_with_a_hat.jpg,$paintings/great_wave_off_kanagawa.jpg"
run wct-decoder-relu5_1-head wct-decoder --layer relu5_1 --head-only --steps 1200 --crop 128 --shorter-side 256 \
  --learning-rate 1e-3 --warmup-steps 50 --start-from "$out/models/wct-decoder-relu4_1.safetensors"
run wct-decoder-relu5_1 wct-decoder --layer relu5_1 --steps 150 --crop 96 --shorter-side 224 --learning-rate 1e-4 \
  --warmup-steps 20 --start-from "$out/models/wct-decoder-relu5_1-head.safetensors"
