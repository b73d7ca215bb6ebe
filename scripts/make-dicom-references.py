"""Reference values of pydicom's and nibabel's own test files, for Lumen's DICOM and NIfTI reader tests.

For every file of pydicom's test data (Debian's python3-pydicom) this writes, into OUT:
  NAME.npy       float32 pixel values as pydicom decodes them, the Modality LUT applied for one-sample
                 images, in C order ([frame][row][column][sample]) -- for files in the transfer syntaxes
                 Lumen decodes
  NAME.rgb.npy   for 8-bit YBR_FULL files, pydicom's conversion of them to RGB
  index.tsv      one line per file: its name, its transfer syntax, and 'decoded' or why pydicom gave none
  series.tsv     per folder of pydicom's dicomdirtests: its files in the order of their positions along the
                 slice normal, or why it is not one series (series-N.npy: the stacked values)
  source.txt     the folder the test files are in
  nifti.tsv      per NIfTI file of nibabel's test data: its path and 'decoded' or why nibabel gave none;
                 nifti-N.npy: its scaled voxels (nibabel's get_fdata, C order of (x, y, z, ...)),
                 nifti-N.affine.npy: its affine
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
    "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50",
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
    series(folder, out)
    nifti(out)


def nifti(out):
    """nibabel's NIfTI test files: scaled voxels and affines as nibabel reads them."""
    import nibabel
    folder = os.path.join(os.path.dirname(nibabel.__file__), "tests", "data")
    lines = []
    for n, path in enumerate(sorted(glob.glob(os.path.join(folder, "*.nii")) + glob.glob(os.path.join(folder, "*.nii.gz")))):
        try:
            image = nibabel.load(path)
            if not isinstance(image, (nibabel.Nifti1Image, nibabel.Nifti2Image)):
                lines.append(f"{path}\tnot a NIfTI-1 or NIfTI-2 image")
                continue
            voxels = np.asarray(image.get_fdata(dtype=np.float32))
        except Exception as e:  # noqa: BLE001
            lines.append(f"{path}\tunreadable: {type(e).__name__}")
            continue
        np.save(os.path.join(out, f"nifti-{n}.npy"), np.ascontiguousarray(voxels))
        np.save(os.path.join(out, f"nifti-{n}.affine.npy"), np.asarray(image.affine, dtype=np.float64))
        lines.append(f"{path}\tnifti-{n}")
    # nibabel's data has no scaled voxels: a big-endian int16 volume with a slope and an intercept, written by nibabel
    scaled = os.path.abspath(os.path.join(out, "scaled-big-endian.nii.gz"))
    voxels = (np.arange(4 * 5 * 6).reshape(4, 5, 6) * 7 - 50).astype(">i2")
    image = nibabel.Nifti1Image(voxels, np.diag([1.5, 2.0, 2.5, 1.0]))
    image.header.set_slope_inter(0.5, -3.0)
    nibabel.save(image, scaled)
    image = nibabel.load(scaled)
    np.save(os.path.join(out, "nifti-scaled.npy"), np.ascontiguousarray(image.get_fdata(dtype=np.float32)))
    np.save(os.path.join(out, "nifti-scaled.affine.npy"), np.asarray(image.affine, dtype=np.float64))
    lines.append(f"{scaled}\tnifti-scaled")
    with open(os.path.join(out, "nifti.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


def series(folder, out):
    """Each folder of single-frame files under dicomdirtests, ordered as a volume, or why it is not one."""
    root = os.path.join(folder, "dicomdirtests")
    lines = []
    folders = sorted({os.path.dirname(p) for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                      if os.path.isfile(p)})
    for n, d in enumerate(folders):
        files = sorted(p for p in glob.glob(os.path.join(d, "*")) if os.path.isfile(p) and "DICOMDIR" not in p)
        if len(files) < 2:
            continue
        relative = os.path.relpath(d, folder)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sets = [pydicom.dcmread(p) for p in files]
        uids = {str(ds.get("SeriesInstanceUID", "")) for ds in sets}
        if len(uids) > 1:
            lines.append(f"{relative}\tseveral series")
            continue
        if any("ImagePositionPatient" not in ds or "PixelData" not in ds for ds in sets):
            lines.append(f"{relative}\tno positions or pixels")
            continue
        o = np.array(sets[0].ImageOrientationPatient, dtype=float)
        if any(np.abs(np.array(ds.ImageOrientationPatient, dtype=float) - o).max() > 1e-4 for ds in sets):
            lines.append(f"{relative}\tmixed orientations")
            continue
        normal = np.cross(o[:3], o[3:])
        order = sorted(range(len(sets)), key=lambda i: float(np.dot(np.array(sets[i].ImagePositionPatient, dtype=float),
                                                                     normal)))
        along = [float(np.dot(np.array(sets[i].ImagePositionPatient, dtype=float), normal)) for i in order]
        gaps = np.diff(along)
        if len(gaps) and (gaps.min() < 1e-4 or np.abs(gaps - gaps[0]).max() > 0.01 * gaps[0] + 1e-3):
            lines.append(f"{relative}\tuneven positions")
            continue
        stack = np.stack([apply_modality_lut(sets[i].pixel_array, sets[i]) for i in order]).astype(np.float32)
        np.save(os.path.join(out, f"series-{n}.npy"), stack)
        names = ",".join(os.path.basename(files[i]) for i in order)
        lines.append(f"{relative}\tseries-{n}.npy\t{names}")
    with open(os.path.join(out, "series.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
