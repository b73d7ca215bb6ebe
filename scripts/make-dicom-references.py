"""Reference values of pydicom's and nibabel's own test files, for Lumen's DICOM and NIfTI reader tests.

For every file of pydicom's test data (Debian's python3-pydicom) this writes, into OUT:
  NAME.npy       float32 pixel values as pydicom decodes them, the Modality LUT applied for one-sample
                 images, in C order ([frame][row][column][sample]) -- for files in the transfer syntaxes
                 Lumen decodes
  NAME.rgb.npy   for 8-bit YBR_FULL files, pydicom's conversion of them to RGB
  index.tsv      one line per file: its name, its transfer syntax, and 'decoded' or why pydicom gave none
  series.tsv     per folder of pydicom's dicomdirtests: its files in the order of their positions along the
                 slice normal, or why it is not one series (series-N.npy: the stacked values)
  dicomdirs.tsv  per DICOMDIR of pydicom's dicomdirtests: the files its records reference, in record order
  source.txt     the folder the test files are in
  encoded/       pydicom's uncompressed files written in JPEG Lossless, JPEG Extended and JPEG 2000 by dcmtk's
                 dcmcjpeg and GDCM's gdcmconv (Debian's dcmtk and libgdcm-tools); encoded.tsv their index
                 lines with the source file and the command, encoded/NAME.npy their values as pydicom decodes them
  decoders.txt   pydicom's pixel data handlers that were available (GDCM, from Debian's python3-gdcm, decodes
                 the JPEG Lossless and JPEG 2000 files; Pillow another decoder of JPEG 2000 and baseline)
  pairs/         header and image pairs (.hdr/.img, big endian, NIfTI-2, gzipped) nibabel writes from its
                 anatomical.nii, in nifti.tsv too (by the .hdr, or by the .img for the big-endian one)
  nifti.tsv      per NIfTI file of nibabel's test data and of mricron-data's templates: its path and 'decoded' or why nibabel gave none;
                 nifti-N.npy: its scaled voxels (nibabel's get_fdata, C order of (x, y, z, ...)),
                 nifti-N.affine.npy: its affine
Run with Debian's interpreter: /usr/bin/python3 scripts/make-dicom-references.py OUT
"""
import glob
import os
import subprocess
import sys
import warnings

import numpy as np
import pydicom
import pydicom.config
from pydicom.data import get_testdata_file
from pydicom.pixel_data_handlers import pillow_handler
from pydicom.pixel_data_handlers.util import apply_modality_lut, convert_color_space

LUMEN_DECODES = {
    "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
}
# JPEG Extended holds 8 or 12 bits; no Java codec on Maven Central decodes 12-bit DCT
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"


MRICRON = "/usr/share/mricron/templates"
JPEG_2000 = {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"}

# Files in the syntaxes pydicom's own data lacks or has few of, written by the reference encoders
# (dcmtk's dcmcjpeg, GDCM's gdcmconv) from pydicom's uncompressed files: (source, name, command).
ENCODED = [
    ("MR_small.dcm", "MR_small.jpeg-sv1.dcm", ["dcmcjpeg", "+e1"]),
    ("MR_small.dcm", "MR_small.jpeg-p14-sv3.dcm", ["dcmcjpeg", "+el", "+sv", "3"]),
    ("CT_small.dcm", "CT_small.jpeg-sv1.dcm", ["dcmcjpeg", "+e1"]),
    ("SC_rgb_jpeg_dcmd.dcm", "SC_rgb.jpeg-sv1.dcm", ["dcmcjpeg", "+e1"]),
    ("SC_rgb_jpeg_dcmd.dcm", "SC_rgb.jpeg-extended-8bit.dcm", ["dcmcjpeg", "+ee"]),
    ("CT_small.dcm", "CT_small.jpeg-extended-12bit.dcm", ["dcmcjpeg", "+ee"]),
    ("CT_small.dcm", "CT_small.j2k.dcm", ["gdcmconv", "--j2k"]),
    ("MR_small.dcm", "MR_small.j2k.dcm", ["gdcmconv", "--j2k"]),
    ("MR_small.dcm", "MR_small.j2k-lossy.dcm", ["gdcmconv", "--j2k", "--lossy", "-q", "30"]),
    ("SC_rgb_jpeg_dcmd.dcm", "SC_rgb.j2k.dcm", ["gdcmconv", "--j2k"]),
    ("SC_rgb_rle_2frame.dcm", "SC_rgb_2frame.j2k.dcm", ["gdcmconv", "--j2k"]),
    ("SC_rgb_rle_2frame.dcm", "SC_rgb_2frame.jpeg-sv1.dcm", ["gdcmconv", "--jpeg", "--lossless"]),
]


def main(out):
    os.makedirs(out, exist_ok=True)
    folder = os.path.dirname(get_testdata_file("CT_small.dcm"))
    lines = []
    for path in sorted(glob.glob(os.path.join(folder, "*.dcm"))):
        lines.append(reference(path, out))
    with open(os.path.join(out, "index.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    encoded(folder, out)
    with open(os.path.join(out, "source.txt"), "w") as f:
        f.write(folder + "\n")
    with open(os.path.join(out, "decoders.txt"), "w") as f:
        f.write(", ".join(h.__name__.rsplit(".", 1)[-1] for h in pydicom.config.pixel_data_handlers
                          if h.is_available()) + "\n")
    series(folder, out)
    dicomdirs(folder, out)
    nifti(out)


def dicomdirs(folder, out):
    """pydicom's DICOMDIRs (dicomdirs.tsv): each one's referenced files in record order, or why it has none."""
    lines = []
    for path in sorted(glob.glob(os.path.join(folder, "dicomdirtests", "DICOMDIR*"))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = pydicom.dcmread(path)
                ids = [r.ReferencedFileID for r in ds.DirectoryRecordSequence if "ReferencedFileID" in r]
            except Exception as e:  # noqa: BLE001
                lines.append(f"{os.path.basename(path)}\tunreadable: {type(e).__name__}")
                continue
        files = ["/".join(i) if isinstance(i, pydicom.multival.MultiValue) else str(i) for i in ids]
        lines.append(f"{os.path.basename(path)}\t" + (",".join(files) if files else "no files"))
    with open(os.path.join(out, "dicomdirs.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


def reference(path, out):
    """One index line for the file at path (its name, its syntax, 'decoded' or why not); NAME.npy when decoded."""
    name = os.path.basename(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(path)
        except Exception as e:  # noqa: BLE001 - the reason is the reference
            return f"{name}\t-\tunreadable: {type(e).__name__}"
        syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "-"))
        if "PixelData" not in ds:
            return f"{name}\t{syntax}\tno pixel data"
        if syntax not in LUMEN_DECODES or (syntax == JPEG_EXTENDED and ds.get("BitsStored", 8) > 8):
            return f"{name}\t{syntax}\tsyntax Lumen does not decode"
        try:
            pixels = ds.pixel_array
        except Exception as e:  # noqa: BLE001
            return f"{name}\t{syntax}\tundecodable: {type(e).__name__}"
        if syntax in JPEG_2000:
            # GDCM decodes some malformed codestreams to noise; a value stands when Pillow (OpenJPEG) agrees
            disagreement = pillow_disagrees(path, pixels)
            if disagreement:
                return f"{name}\t{syntax}\tundecodable: {disagreement}"
        if ds.get("SamplesPerPixel", 1) == 1:
            pixels = apply_modality_lut(pixels, ds)
        elif str(ds.PhotometricInterpretation).startswith("YBR_FULL") and ds.BitsAllocated == 8:
            rgb = convert_color_space(pixels, "YBR_FULL", "RGB")
            np.save(os.path.join(out, name + ".rgb.npy"), np.ascontiguousarray(rgb, dtype=np.float32))
        np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(pixels, dtype=np.float32))
        return f"{name}\t{syntax}\tdecoded"


def pillow_disagrees(path, pixels):
    """Why pydicom's Pillow handler does not give the same pixels as the one that decoded them, or None."""
    handlers = pydicom.config.pixel_data_handlers
    pydicom.config.pixel_data_handlers = [pillow_handler]
    try:
        other = pydicom.dcmread(path).pixel_array
    except Exception as e:  # noqa: BLE001
        return f"Pillow refuses it ({type(e).__name__})"
    finally:
        pydicom.config.pixel_data_handlers = handlers
    if other.shape != pixels.shape or np.abs(other.astype(np.float64) - pixels).max() > 1:
        return "GDCM and Pillow decode it differently"
    return None


def encoded(folder, out):
    """The ENCODED files in OUT/encoded, with their references (encoded.tsv: name, syntax, status, source, command)."""
    target = os.path.join(out, "encoded")
    os.makedirs(target, exist_ok=True)
    lines = []
    for source, name, command in ENCODED:
        path = os.path.join(target, name)
        subprocess.run(command + [os.path.join(folder, source), path], check=True, capture_output=True)
        lines.append(reference(path, target) + f"\t{source}\t{' '.join(command)}")
    with open(os.path.join(out, "encoded.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


def nifti(out):
    """nibabel's NIfTI test files: scaled voxels and affines as nibabel reads them."""
    import nibabel
    folder = os.path.join(os.path.dirname(nibabel.__file__), "tests", "data")
    lines = []
    own = sorted(glob.glob(os.path.join(folder, "*.nii")) + glob.glob(os.path.join(folder, "*.nii.gz")))
    # real brain MRI volumes and atlases of Debian's mricron-data, after nibabel's own files
    for n, path in enumerate(own + sorted(glob.glob(os.path.join(MRICRON, "*.nii.gz")))):
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
    # nibabel's data has no header and image pairs with their images: nibabel writes some from one of its volumes
    pairs = os.path.abspath(os.path.join(out, "pairs"))
    os.makedirs(pairs, exist_ok=True)
    source = nibabel.load(os.path.join(folder, "anatomical.nii"))
    data = np.asarray(source.dataobj)
    written = [
        (nibabel.Nifti1Pair(data, source.affine), "n1-little.img", "n1-little.hdr"),
        (nibabel.Nifti2Pair(data, source.affine), "n2.img", "n2.hdr"),
        (nibabel.Nifti1Pair(data, source.affine), "n1-gz.img.gz", "n1-gz.hdr.gz"),
        (None, "n1-big", "n1-big.img"),
    ]
    for image, name, given in written:
        if image is None:
            # nibabel saves in the machine's byte order: a big-endian pair from its header and array writers
            header = nibabel.Nifti1Pair(data, source.affine).header.as_byteswapped(">")
            header.set_data_offset(0)
            with open(os.path.join(pairs, name + ".hdr"), "wb") as f:
                f.write(header.binaryblock)
            with open(os.path.join(pairs, name + ".img"), "wb") as f:
                nibabel.volumeutils.array_to_file(data, f, np.dtype(">i2"), order="F")
        else:
            nibabel.save(image, os.path.join(pairs, name))
        path = os.path.join(pairs, given)
        image = nibabel.load(path)
        n = f"pair-{given.split('.')[0]}"
        np.save(os.path.join(out, f"nifti-{n}.npy"), np.ascontiguousarray(image.get_fdata(dtype=np.float32)))
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
