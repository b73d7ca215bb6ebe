"""Reference pixel arrays of pydicom's own test files, for Lumen's DICOM reader tests.

For every file of pydicom's test data (Debian's python3-pydicom) this writes, into OUT:
  NAME.npy       float32 pixel values as pydicom decodes them, the Modality LUT applied for one-sample
                 images, in C order ([frame][row][column][sample]) -- for files in the transfer syntaxes
                 Lumen decodes
  NAME.rgb.npy   for 8-bit YBR_FULL files, pydicom's conversion of them to RGB
  index.tsv      one line per file: its name, its transfer syntax, and 'decoded' or why pydicom gave none
  source.txt     the folder the test files are in
Run with Debian's interpreter: /usr/bin/python3 scripts/make-dicom-references.py OUT
"""
import glob
import os
import sys
import warnings

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.pixel_data_handlers.util import apply_modality_lut, convert_color_space

LUMEN_DECODES = {
    "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.5",
}


def main(out):
    os.makedirs(out, exist_ok=True)
    folder = os.path.dirname(get_testdata_file("CT_small.dcm"))
    lines = []
    for path in sorted(glob.glob(os.path.join(folder, "*.dcm"))):
        name = os.path.basename(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = pydicom.dcmread(path)
            except Exception as e:  # noqa: BLE001 - the reason is the reference
                lines.append(f"{name}\t-\tunreadable: {type(e).__name__}")
                continue
            syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "-"))
            if "PixelData" not in ds:
                lines.append(f"{name}\t{syntax}\tno pixel data")
                continue
            if syntax not in LUMEN_DECODES:
                lines.append(f"{name}\t{syntax}\tsyntax Lumen does not decode")
                continue
            try:
                pixels = ds.pixel_array
            except Exception as e:  # noqa: BLE001
                lines.append(f"{name}\t{syntax}\tundecodable: {type(e).__name__}")
                continue
            if ds.get("SamplesPerPixel", 1) == 1:
                pixels = apply_modality_lut(pixels, ds)
            elif str(ds.PhotometricInterpretation).startswith("YBR_FULL") and ds.BitsAllocated == 8:
                rgb = convert_color_space(pixels, "YBR_FULL", "RGB")
                np.save(os.path.join(out, name + ".rgb.npy"), np.ascontiguousarray(rgb, dtype=np.float32))
            np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(pixels, dtype=np.float32))
            lines.append(f"{name}\t{syntax}\tdecoded")
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "source.txt"), "w") as f:
        f.write(folder + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
