package dev.lumen.app.cli;

import dev.lumen.core.image.Reslice;
import picocli.CommandLine.Option;

/**
 * How volume studies are read: {@code --frame N}, the volume of a 4D NIfTI time series, and
 * {@code --plane axial|coronal|sagittal}, volumes resliced in patient space before the model reads them.
 */
final class VolumeOptions {
  @Option(names = "--frame", paramLabel = "N", description = "For a 4D NIfTI image (a time series), read its volume N "
      + "(counting from 0).")
  Integer frame;

  @Option(names = "--plane", paramLabel = "axial|coronal|sagittal", description = "Reslice volume studies (NIfTI, "
      + "DICOM series) into this plane in patient space, isotropic at their finest spacing, before the model reads "
      + "them (e.g. to feed an MRNet-style plane model a knee series acquired in another plane).")
  String plane;

  /** The plane given, or null to read volumes as they are stored. */
  Reslice.Plane plane() {
    return plane == null ? null : Reslice.Plane.of(plane);
  }
}
