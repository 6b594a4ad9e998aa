#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Make the test photo of libvaccel-vision.so and its ground truth, from Debian data.

    make-faces-photo.py LFW_SUBSET_NPY OUT_DIR

LFW_SUBSET_NPY is scikit-image's subset of Labeled Faces in the Wild (python3-skimage:
skimage/data/lfw_subset.npy): 200 grayscale crops of 25x25, the first 100 faces, the
other 100 backgrounds from the same photos. The photo (640x480) is a mosaic of
background crops with five face crops pasted at known places and sizes, so the truth is
known by construction: each face's box is where its crop went.

Writes into OUT_DIR:
  faces.png         the photo (8-bit grayscale PNG)
  faces-truth.txt   one "X Y W H" line per face, in pixels
  no-faces.png      the background alone (no face: detections must be 0)

The five faces are crops whose subject looks at the camera (LFW subset indices below,
chosen once by eye); their sizes differ so detection is tested across scales.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common"))
from pngwrite import write_png_gray  # noqa: E402

WIDTH, HEIGHT, TILE = 640, 480, 80
# (LFW subset index, x, y, side)
FACES = [(1, 40, 60, 96), (12, 190, 40, 120), (33, 360, 90, 88), (57, 480, 250, 136),
         (78, 90, 300, 104)]


def upscale(img, side):
    """Bilinear resize of a square image to side x side (pixel centres aligned)."""
    n = img.shape[0]
    c = np.clip((np.arange(side) + 0.5) * n / side - 0.5, 0, n - 1)
    i0 = np.floor(c).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    f = c - i0
    rows = img[i0] * (1 - f)[:, None] + img[i1] * f[:, None]
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i1] * f[None, :]


def main():
    lfw = np.load(sys.argv[1])
    out = sys.argv[2]
    assert lfw.shape == (200, 25, 25), lfw.shape
    canvas = np.zeros((HEIGHT, WIDTH))
    k = 100  # backgrounds
    for y in range(0, HEIGHT, TILE):
        for x in range(0, WIDTH, TILE):
            canvas[y:y + TILE, x:x + TILE] = upscale(lfw[k], TILE)
            k += 1
    write_png_gray(os.path.join(out, "no-faces.png"), np.rint(canvas * 255))
    with open(os.path.join(out, "faces-truth.txt"), "w") as f:
        f.write("# X Y W H of each face in faces.png (placed there by make-faces-photo.py)\n")
        for idx, x, y, side in FACES:
            canvas[y:y + side, x:x + side] = upscale(lfw[idx], side)
            f.write(f"{x} {y} {side} {side}\n")
    write_png_gray(os.path.join(out, "faces.png"), np.rint(canvas * 255))
    print(f"faces photo: {len(FACES)} faces in {WIDTH}x{HEIGHT}")


if __name__ == "__main__":
    main()
