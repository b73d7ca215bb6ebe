"""Makes the medical-file benchmark's data and times pydicom and nibabel reading it.

  /usr/bin/python3 scripts/bench-medical-files.py DIR [ROUNDS]

writes (once) DIR/ct-series/ (a 512 x 512 x 300 int16 CT series with rescale, explicit VR little endian,
files named in shuffled order) and DIR/volume.nii.gz (a 256^3 int16 NIfTI), then prints the median time
over ROUNDS of what Lumen does with them: pydicom reading every file, ordering by position along the
slice normal and stacking the rescaled pixels; nibabel loading the volume and its scaled voxels.
"""
import glob
import os
import random
import sys
import time

import numpy as np


def make(folder):
    import nibabel
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    series = os.path.join(folder, "ct-series")
    if not os.path.isdir(series):
        os.makedirs(series + ".partial", exist_ok=True)
        rng = np.random.default_rng(1)
        uid = generate_uid()
        names = list(range(300))
        random.Random(1).shuffle(names)
        for z in range(300):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
            meta.MediaStorageSOPInstanceUID = generate_uid()
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
            ds.is_little_endian, ds.is_implicit_VR = True, False
            ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
            ds.Modality, ds.SeriesInstanceUID = "CT", uid
            ds.ImagePositionPatient = [-250, -250, z * 1.25]
            ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
            ds.PixelSpacing, ds.SliceThickness = [0.98, 0.98], 1.25
            ds.Rows, ds.Columns, ds.SamplesPerPixel = 512, 512, 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 1
            ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
            ds.WindowCenter, ds.WindowWidth = 40, 400
            ds.PixelData = rng.integers(0, 2000, (512, 512), dtype=np.int16).tobytes()
            ds.save_as(os.path.join(series + ".partial", f"IM{names[z]:04d}"), write_like_original=False)
        os.rename(series + ".partial", series)
    volume = os.path.join(folder, "volume.nii.gz")
    if not os.path.isfile(volume):
        voxels = np.random.default_rng(2).integers(-1000, 3000, (256, 256, 256), dtype=np.int16)
        nibabel.save(nibabel.Nifti1Image(voxels, np.diag([1.0, 1.0, 1.0, 1.0])), volume)
    return series, volume


def median(f, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return 1000 * sorted(times)[len(times) // 2]


def read_series(folder):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_modality_lut
    sets = [pydicom.dcmread(f) for f in glob.glob(os.path.join(folder, "*"))]
    o = np.array(sets[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(o[:3], o[3:])
    sets.sort(key=lambda ds: float(np.dot(np.array(ds.ImagePositionPatient, dtype=float), normal)))
    return np.stack([apply_modality_lut(ds.pixel_array, ds) for ds in sets])


def read_volume(path):
    import nibabel
    return nibabel.load(path).get_fdata(dtype=np.float32)


if __name__ == "__main__":
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.makedirs(folder, exist_ok=True)
    series, volume = make(folder)
    print(f"pydicom: 512x512x300 CT series read, ordered and rescaled: {median(lambda: read_series(series), rounds):.0f} ms")
    print(f"nibabel: 256^3 int16 NIfTI (gz) loaded and scaled: {median(lambda: read_volume(volume), rounds):.0f} ms")
