#!/usr/bin/env python3
"""Writes the NeuralTests fixtures with numpy and the standard library only (no PyTorch).

- vgg_head.safetensors: seeded random weights for conv1_1, conv1_2, conv2_1 under torchvision's keys.
- input.bin, relu2_1.bin: a 12 × 10 RGB input (float32, planar) and relu2_1 as an independent numpy
  implementation computes it (torchvision normalisation, 3 × 3 convolutions with zero padding, 2 × 2 max pooling).
- tiny_legacy.pth / tiny_zip.pth: a two-tensor state dict in PyTorch's legacy and zip formats, pickled the way
  torch.save does (protocol 2, persistent storage ids, torch._utils._rebuild_tensor_v2).
- evil.pth: a legacy-format file whose pickle calls os.system (must be refused, never run).
Run from this folder: python3 make_fixtures.py
"""
import collections, io, json, pickle, struct, sys, types, zipfile
import numpy as np

rng = np.random.default_rng(7)
shapes = {0: (64, 3), 2: (64, 64), 5: (128, 64)}
weights = {}
for index, (out, inp) in shapes.items():
    weights[f"features.{index}.weight"] = (rng.standard_normal((out, inp, 3, 3)) * np.sqrt(2 / (inp * 9))).astype(np.float32)
    weights[f"features.{index}.bias"] = (rng.standard_normal(out) * 0.1).astype(np.float32)

def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = array.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))

write_safetensors("vgg_head.safetensors", weights)

def conv(x, w, b):
    c, h, wd = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    out = np.zeros((w.shape[0], h, wd), dtype=np.float64)
    for ky in range(3):
        for kx in range(3):
            out += np.einsum("oc,chw->ohw", w[:, :, ky, kx], padded[:, ky:ky + h, kx:kx + wd])
    return out + b[:, None, None]

image = rng.random((3, 12, 10)).astype(np.float32)
mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
x = (image - mean[:, None, None]) / std[:, None, None]
x = np.maximum(conv(x, weights["features.0.weight"], weights["features.0.bias"]), 0)
x = np.maximum(conv(x, weights["features.2.weight"], weights["features.2.bias"]), 0)
x = x.reshape(64, 6, 2, 5, 2).max(axis=(2, 4))
x = np.maximum(conv(x, weights["features.5.weight"], weights["features.5.bias"]), 0)
image.astype("<f4").tofile("input.bin")
x.astype("<f4").tofile("relu2_1.bin")

# PyTorch's pickle vocabulary, impersonated so that pickle writes the same GLOBAL names torch.save writes.
torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
def _rebuild_tensor_v2(*args): pass
_rebuild_tensor_v2.__module__ = "torch._utils"; utils._rebuild_tensor_v2 = _rebuild_tensor_v2; torch._utils = utils
class FloatStorage: pass
FloatStorage.__module__ = "torch"; torch.FloatStorage = FloatStorage

class Storage:
    def __init__(self, key, array): self.key, self.array = key, array
class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape
    def __reduce__(self):
        strides = tuple(int(np.prod(self.shape[i + 1:])) for i in range(len(self.shape)))
        return (_rebuild_tensor_v2, (self.storage, 0, self.shape, strides, False, collections.OrderedDict()))

class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.array.size)
        return None

tiny = collections.OrderedDict()
storages = [Storage("0", np.arange(6, dtype=np.float32) / 2), Storage("1", np.array([1.5, -2.0], dtype=np.float32))]
tiny["layer.weight"] = Tensor(storages[0], (2, 3))
tiny["layer.bias"] = Tensor(storages[1], (2,))

def pickled(obj):
    buffer = io.BytesIO(); TorchPickler(buffer, protocol=2).dump(obj); return buffer.getvalue()

def legacy(obj, storages):
    out = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += pickled(obj) + pickle.dumps([s.key for s in storages], protocol=2)
    for s in storages:
        out += struct.pack("<q", s.array.size) + s.array.astype("<f4").tobytes()
    return out

with open("tiny_legacy.pth", "wb") as f:
    f.write(legacy(tiny, storages))
with zipfile.ZipFile("tiny_zip.pth", "w", compression=zipfile.ZIP_STORED) as z:
    z.writestr("tiny_zip/data.pkl", pickled(tiny))
    for s in storages:
        z.writestr(f"tiny_zip/data/{s.key}", s.array.astype("<f4").tobytes())
    z.writestr("tiny_zip/version", "3\n")

class Evil:
    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /tmp/stylelab-pwned",))
with open("evil.pth", "wb") as f:
    f.write(pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2)
            + pickle.dumps({"little_endian": True}, protocol=2) + pickle.dumps({"x": Evil()}, protocol=2))
