#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Make the digits classifier of libvaccel-torch.so from Debian data, with no download.

    make-digits-model.py DIGITS_CSV_GZ OUT_DIR

DIGITS_CSV_GZ is scikit-learn's copy of the UCI optical digits (python3-sklearn:
sklearn/datasets/data/digits.csv.gz): 1797 images of 8x8 pixels, values 0..16 (ink high),
the label in the last column. A fixed seed splits them 80/20; a small CNN is trained on the
80 % and exported as TorchScript. Writes into OUT_DIR:

  digits.pt            the model: input float [1, 1, 8, 8] in 0..1, output logits [1, 10];
                       attributes input_channels/height/width tell the plugin how to
                       preprocess an image (docs in plugins/torch/README.md)
  digits-labels.txt    one label per class, line i = class i
  heldout/NNNN-L.png   every held-out digit as a 64x64 grayscale PNG (L = its label)
  heldout.txt          "file label" per held-out image
  digit-7.png          the first held-out 7 (the "known digit" of the tests and demo)
  digit-7.f32          its 64 pixels as the model takes them (float32, 0..1, row-major)
  not-a-classifier.pt  valid TorchScript that is not a classifier (returns a scalar)
  reads-files.pt       a classifier that reads a host file (aten::from_file): refused
  accuracy.txt         held-out accuracy measured here on the PNG-quantised inputs

Everything is deterministic for a given torch build: seed, single thread, fixed order.
"""
import gzip
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "common"))
from pngwrite import write_png_gray  # noqa: E402
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240611
SCALE = 8  # PNG side = 8 * SCALE


class DigitsInput(nn.Module):
    """What the plugin reads: the image it gets is resized to this and scaled to 0..1."""

    def __init__(self):
        super().__init__()
        self.input_channels = 1
        self.input_height = 8
        self.input_width = 8


class DigitsNet(DigitsInput):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class NotAClassifier(DigitsInput):
    def forward(self, x):
        return x.sum()


class ReadsFiles(DigitsInput):
    def forward(self, x):
        data = torch.from_file("/etc/hostname", False, 10, dtype=torch.uint8)
        return data.float().reshape(1, 10)


def to_png_pixels(sample):
    """0..16 -> 0..255, each pixel a SCALE x SCALE block."""
    img = np.rint(sample.reshape(8, 8) * 255.0 / 16.0)
    return np.kron(img, np.ones((SCALE, SCALE)))


def main():
    src, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    with gzip.open(src, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.float32)
    x, y = data[:, :64], data[:, 64].astype(np.int64)
    order = np.random.RandomState(SEED).permutation(len(y))
    n_train = int(len(y) * 0.8)
    tr, te = order[:n_train], order[n_train:]

    xt = torch.from_numpy(x[tr] / 16.0).reshape(-1, 1, 8, 8)
    yt = torch.from_numpy(y[tr])
    model = DigitsNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(40):
        perm = torch.randperm(len(yt), generator=gen)
        for i in range(0, len(yt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()

    os.makedirs(os.path.join(out, "heldout"), exist_ok=True)
    # Held-out accuracy on exactly what the plugin will see: PNG pixels / 255.
    quant = np.stack([to_png_pixels(x[i])[::SCALE, ::SCALE] / 255.0 for i in te])
    with torch.no_grad():
        pred = model(torch.from_numpy(quant.astype(np.float32)).reshape(-1, 1, 8, 8))
    correct = int((pred.argmax(1).numpy() == y[te]).sum())

    scripted = torch.jit.script(model)
    scripted.save(os.path.join(out, "digits.pt"))
    torch.jit.script(NotAClassifier()).save(os.path.join(out, "not-a-classifier.pt"))
    torch.jit.script(ReadsFiles()).save(os.path.join(out, "reads-files.pt"))
    with open(os.path.join(out, "digits-labels.txt"), "w") as f:
        f.write("".join(f"{d}\n" for d in range(10)))
    seven = None
    with open(os.path.join(out, "heldout.txt"), "w") as f:
        for n, i in enumerate(te):
            name = f"heldout/{n:04d}-{y[i]}.png"
            write_png_gray(os.path.join(out, name), to_png_pixels(x[i]))
            f.write(f"{name} {y[i]}\n")
            if seven is None and y[i] == 7:
                seven = i
    write_png_gray(os.path.join(out, "digit-7.png"), to_png_pixels(x[seven]))
    seven_px = to_png_pixels(x[seven])[::SCALE, ::SCALE] / 255.0
    seven_px.astype("<f4").tofile(os.path.join(out, "digit-7.f32"))
    with open(os.path.join(out, "accuracy.txt"), "w") as f:
        f.write(f"{correct}/{len(te)} {correct / len(te):.4f}\n")
    print(f"digits model: held-out accuracy {correct}/{len(te)} = {correct / len(te):.2%}")


if __name__ == "__main__":
    main()
