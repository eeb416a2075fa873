#!/usr/bin/env python3
"""Writes the PNG variants StyleLab's own encoder does not produce (palette, tRNS, 1/2/4-bit grey, Adam7).

Standard library only; run from this folder: python3 make_fixtures.py. Every pixel follows a formula that
ImagingTests recomputes, so the tests check decoded values, not just that decoding succeeds.
"""
import struct
import zlib

W, H = 13, 11  # odd sizes exercise partial Adam7 blocks


def rgb8(x, y):
    return ((x * 17 + y * 5) % 256, (x * 3 + y * 29) % 256, (x * y * 7) % 256)


def grey16(x, y):
    return (x * 4099 + y * 771) % 65536


def palette_index(x, y):
    return (x + 2 * y) % 16


PALETTE = [(i * 16, 255 - i * 16, (i * 37) % 256) for i in range(16)]
PALETTE_ALPHA = [(i * 16 + 15) % 256 for i in range(16)]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """Samples (ints) of one row as bytes at the given bit depth, MSB first, padded to a byte."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << bit_depth) | s
        bits += bit_depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(name, colour_type, bit_depth, pixel, interlaced=False, extra=b""):
    """pixel(x, y) returns the list of samples of one pixel."""
    raw = bytearray()
    passes = ADAM7 if interlaced else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, W, dx))
        if not xs:
            continue
        for y in range(y0, H, dy):
            samples = [s for x in xs for s in pixel(x, y)]
            raw.append(0)  # filter type None
            raw += pack_row(samples, bit_depth)
    ihdr = struct.pack(">IIBBBBB", W, H, bit_depth, colour_type, 0, 0, 1 if interlaced else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    data += chunk(b"IEND", b"")
    with open(name, "wb") as f:
        f.write(data)


plte = chunk(b"PLTE", b"".join(bytes(c) for c in PALETTE))
trns = chunk(b"tRNS", bytes(PALETTE_ALPHA))
write_png("palette4_trns.png", 3, 4, lambda x, y: [palette_index(x, y)], extra=plte + trns)
write_png("palette8_adam7.png", 3, 8, lambda x, y: [palette_index(x, y)], interlaced=True, extra=plte)
write_png("grey1.png", 0, 1, lambda x, y: [(x + y) % 2])
write_png("grey2_adam7.png", 0, 2, lambda x, y: [(x * y) % 4], interlaced=True)
write_png("rgb8_adam7.png", 2, 8, lambda x, y: list(rgb8(x, y)), interlaced=True)
write_png("grey16_adam7.png", 0, 16, lambda x, y: [grey16(x, y)], interlaced=True)
write_png("rgba16.png", 6, 16, lambda x, y: [grey16(x, y), 65535 - grey16(x, y), (x * 257) % 65536, (y * 6007) % 65536])
