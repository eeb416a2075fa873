#!/usr/bin/env python3
"""Writes the dataset manifests (datasets/*.json).

    python3 datasets/make_manifests.py [SHARED_DATASETS_DIR]

The embedded set is described from datasets/embedded/SHA256SUMS and CREDITS.md. The research sets (paintings and
photos, the Image Analogies and Image Quilting papers' images) are described from a folder the user has, laid out
as ../shared/datasets is: its SHA256SUMS gives names and checksums, its SOURCES.md tables give each file's source
and licence. Only the manifests are committed, never those files.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sums(path):
    out = {}
    for line in path.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        out[name.lstrip("*").removeprefix("./")] = digest
    return out


def write(name, manifest):
    (HERE / f"{name}.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote datasets/{name}.json: {len(manifest['files'])} files, {len(manifest['cases'])} cases")


def embedded():
    digests = sums(HERE / "embedded" / "SHA256SUMS")
    licences = {"astronaut": "public domain (NASA)", "rocket": "public domain (SpaceX)",
                "starry-night": "public domain (Vincent van Gogh, died 1890)"}
    painted = {"starry-night": "Vincent van Gogh, The Starry Night (1889), from the research set's "
                               "paintings/starry_night.jpg, longest side 256 px; see embedded/CREDITS.md"}
    files = []
    for path, digest in sorted(digests.items()):
        stem = path.removesuffix(".png")
        base = stem.removesuffix("-blur")
        derived = stem != base
        files.append({
            "path": path, "sha256": digest,
            "source": painted.get(base) or (f"{base}.png blurred (Gaussian, sigma 2 px) by make_embedded.sh" if derived
                       else f"scikit-image 0.26.0 skimage/data ({base}), longest side 256 px; see embedded/CREDITS.md"),
            "licence": licences.get(base, "CC0"),
        })
    cases = [
        {"id": "gravel", "roles": {"texture": "gravel.png"}, "note": "Texture synthesis of a stochastic texture."},
        {"id": "brick", "roles": {"texture": "brick.png"}, "note": "Texture synthesis of a structured texture."},
        {"id": "cat-in-coffee", "roles": {"content": "chelsea.png", "style": "coffee.png"},
         "note": "Texture transfer onto a photo: the cat drawn with the coffee picture."},
        {"id": "learned-blur", "roles": {"a": "coffee.png", "a_prime": "coffee-blur.png", "b": "chelsea.png", "b_prime": "chelsea-blur.png"},
         "note": "A learned filter: A' is A blurred (sigma 2 px), so B' has a ground truth, B blurred the same way."},
    ]
    write("embedded", {"name": "embedded", "description": "Small public-domain and CC0 images shipped with StyleLab, and cases derived from them.",
                       "data_dir": "embedded", "files": files, "cases": cases})


def sources(shared):
    """file path -> (source, licence) from the tables of SOURCES.md."""
    out, folder = {}, None
    for line in (shared / "SOURCES.md").read_text().splitlines():
        heading = re.match(r"## (\S+)/", line)
        if heading:
            folder = heading.group(1)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if folder and len(cells) >= 8 and cells[0].startswith("`"):
            name = cells[0].strip("`")
            out[f"{folder}/{name}"] = (f"{cells[3]}; {cells[4]} {cells[5].strip('`')} @ {cells[6].strip('`')}", cells[7])
    return out


def research(shared):
    digests, origin = sums(shared / "SHA256SUMS"), sources(shared)

    def files(prefixes):
        chosen = sorted(p for p in digests if p.startswith(prefixes))
        return [{"path": p, "sha256": digests[p], "source": origin.get(p, ("see SOURCES.md", ""))[0],
                 "licence": origin.get(p, ("", "see SOURCES.md"))[1]} for p in chosen]

    paintings = ["starry_night", "woman_with_a_hat", "great_wave_off_kanagawa"]
    write("seed-figure", {
        "name": "seed-figure", "description": "Mona Lisa in the styles of The Starry Night, Woman with a Hat and The Great Wave.",
        "files": [f for f in files(("paintings/",)) if any(k in f["path"] for k in ["mona_lisa"] + paintings)],
        "cases": [{"id": f"mona-lisa-{p.split('_')[0]}", "roles": {"content": "paintings/mona_lisa.jpg", "style": f"paintings/{p}.jpg"}}
                  for p in paintings]})
    photos = ["photos/chelsea_cat.png", "photos/arches_rock_landscape.jpg", "photos/coffee_cup.png"]
    styles = ["paintings/starry_night.jpg", "paintings/the_scream.jpg", "paintings/composition_vii.jpg", "paintings/shipwreck_of_the_minotaur.jpg"]
    write("paintings", {
        "name": "paintings", "description": "Free photos in the styles of public-domain paintings.",
        "files": files(("paintings/", "photos/")),
        "cases": [{"id": f"{Path(c).stem}-{Path(s).stem}", "roles": {"content": c, "style": s}} for c in photos for s in styles]})
    a = "analogies-paper/"
    write("analogies-paper", {
        "name": "analogies-paper", "description": "The pairs of Hertzmann et al. 2001 (research use only; never redistribute).",
        "files": files((a,)),
        "cases": [
            {"id": "fig03-blur", "roles": {"a": a + "fig03_A_newflower-src.jpg", "a_prime": a + "fig03_Ap_newflower-blur.jpg",
                                           "b": a + "fig03_B_toy-newshore-src.jpg", "b_prime": a + "fig03_Bp_toy-newshore-blur.jpg"}},
            {"id": "fig04-emboss", "roles": {"a": a + "fig03_A_newflower-src.jpg", "a_prime": a + "fig04_Ap_newflower-emboss.jpg",
                                             "b": a + "fig03_B_toy-newshore-src.jpg"}},
            {"id": "fig11-fruit", "roles": {"a": a + "fig10_A_fruit-src.jpg", "a_prime": a + "fig10_Ap_fruit-filt.jpg",
                                            "b": a + "fig11_B_boat-src.jpg", "b_prime": a + "fig11_Bp_boat-filt-fruit.jpg"}},
            {"id": "fig11-lights", "roles": {"a": a + "fig10_A_lights-src.jpg", "a_prime": a + "fig10_Ap_lights-filt.jpg",
                                             "b": a + "fig11_B_boat-src.jpg", "b_prime": a + "fig11_Bp_boat-filt-lights.jpg"}},
            {"id": "fig14-oxbow", "roles": {"a": a + "fig14_A_oxbow-labels.jpg", "a_prime": a + "fig14_Ap_oxbow-photo.jpg",
                                            "b": a + "fig14_B_oxbow-newlabels.jpg", "b_prime": a + "fig14_Bp_oxbow-result.jpg"}},
            {"id": "fig16-potomac", "roles": {"a": a + "fig16_A_potomac-labels.jpg", "a_prime": a + "fig16_Ap_potomac-photo.jpg",
                                              "b": a + "fig16_B_potomac-newlabels.jpg", "b_prime": a + "fig16_Bp_potomac-result.jpg"}},
        ]})
    q = files(("quilting-paper/",))
    write("quilting-paper", {
        "name": "quilting-paper", "description": "The textures of Efros & Freeman 2001 (research use only; never redistribute).",
        "files": q, "cases": [{"id": Path(f["path"]).stem, "roles": {"texture": f["path"]}} for f in q]})

    opencv = ("Debian 12 package opencv-doc 4.6.0+dfsg-12 (apt-get download opencv-doc), "
              "usr/share/doc/opencv-doc/examples/data/")
    clips = {"videos/vtest.avi": "static camera over a campus path, pedestrians walking, 768x576, 10 fps",
             "videos/tree.avi": "a tree in wind through a window, slow camera motion, 320x240, 15 fps",
             "videos/box.mp4": "a printed box moved by hand over a table, 640x480, 29.97 fps",
             "videos/basketball1.png": "Middlebury Basketball frame 1 (OpenCV's optical-flow sample)",
             "videos/basketball2.png": "Middlebury Basketball frame 2"}
    video_files = [{"path": p, "sha256": digests[p], "source": f"{what}; {opencv}"
                    + ("" if p != "videos/box.mp4" else " (box.mp4 from opencv4/html/box.mp4.gz, decompressed)"),
                    "licence": "OpenCV sample data; the package states no separate licence: research and testing "
                               "only, never redistribute"} for p, what in clips.items() if p in digests]
    style = "paintings/starry_night.jpg"
    write("video", {
        "name": "video", "description": "OpenCV's sample clips for video stylisation (research and testing only).",
        "files": video_files + files((style,)),
        "cases": [{"id": Path(p).stem, "roles": {"frames": p, "style": style},
                   "note": "A clip (role frames) with a style: every method runs through its frames."}
                  for p in ("videos/tree.avi", "videos/box.mp4", "videos/vtest.avi") if p in digests]})


if __name__ == "__main__":
    embedded()
    if len(sys.argv) > 1:
        research(Path(sys.argv[1]))
