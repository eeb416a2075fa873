#!/usr/bin/env python3
"""How the texture-transfer and artistic-filter presets were chosen: Image Analogies variants on the seed figure
(Mona Lisa with The Starry Night, Woman with a Hat and The Great Wave, each resized to a longest side of 256),
scored by `stylelab metrics`: colour-histogram distance and sliced Wasserstein distance to the painting (lower is
closer to the style) and SSIM to Mona Lisa (higher keeps more of the content).

  texture transfer: A = A' = the painting, B = Mona Lisa;
  artistic filter:  A' = the painting, A = the painting blurred (Gaussian sigma 2 px at 256 px), a stand-in for the
                    photograph that no painting has, B = Mona Lisa.

Usage: analogy_presets_on_seed_figure.py STYLELAB DATA_DIR OUT_DIR   (DATA_DIR holds paintings/...; nothing is read
from it but the four paintings). Prints one table per application and writes OUT_DIR/results.json."""
import json
import os
import statistics
import subprocess
import sys

PAINTINGS = {"starry": "starry_night.jpg", "woman": "woman_with_a_hat.jpg", "great-wave": "great_wave_off_kanagawa.jpg"}
TRANSFER = [("kappa 0.5", ["--kappa", "0.5", "--no-remap", "--chroma", "from-a-prime"]),
            ("kappa 1", ["--kappa", "1", "--no-remap", "--chroma", "from-a-prime"]),
            ("kappa 2", ["--kappa", "2", "--no-remap", "--chroma", "from-a-prime"]),
            ("kappa 5", ["--kappa", "5", "--no-remap", "--chroma", "from-a-prime"]),
            ("kappa 1, remap", ["--kappa", "1", "--remap", "--chroma", "from-a-prime"]),
            ("kappa 1, B's chroma", ["--kappa", "1", "--no-remap", "--chroma", "from-b"])]
ARTISTIC = [(f"kappa {k}{', remap' if remap else ''}", ["--kappa", str(k), "--remap" if remap else "--no-remap"])
            for k in (1, 2, 5, 10) for remap in (True, False)]


def run(args):
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def main(stylelab, data, out):
    os.makedirs(out, exist_ok=True)
    mona = os.path.join(out, "mona_lisa.png")
    run([stylelab, "convert", os.path.join(data, "paintings/mona_lisa.jpg"), mona, "--fit", "256"])
    results = {}
    for case, file in PAINTINGS.items():
        painting = os.path.join(out, f"{case}.png")
        blurred = os.path.join(out, f"{case}-blurred.png")
        run([stylelab, "convert", os.path.join(data, "paintings", file), painting, "--fit", "256"])
        run([stylelab, "convert", painting, blurred, "--blur", "2"])
        applications = (("texture-transfer", TRANSFER, painting), ("artistic-filter", ARTISTIC, blurred))
        for application, variants, a in applications:
            for label, flags in variants:
                output = os.path.join(out, f"{application}-{case}-{label.replace(' ', '_').replace(',', '')}.png")
                run([stylelab, "analogy", "--a", a, "--a-prime", painting, "--b", mona, *flags,
                     "--quiet", "-o", output])
                scores = json.loads(run([stylelab, "metrics", "--output", output, "--content", mona,
                                         "--style", painting, "--json"]))
                results.setdefault(application, {}).setdefault(label, {})[case] = scores
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    for application, variants in results.items():
        print(f"\n{application} (mean over the three paintings)\n")
        print("| variant | histogram distance ↓ | SWD ↓ | content SSIM ↑ |")
        print("|---|---|---|---|")
        for label, cases in variants.items():
            mean = {k: statistics.mean(c[k] for c in cases.values())
                    for k in ("histogram_distance", "swd", "content_ssim")}
            print(f"| {label} | {mean['histogram_distance']:.4f} | {mean['swd']:.4f} | "
                  f"{mean['content_ssim']:.3f} |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
