package dev.lumen.app.cli;

import dev.lumen.core.dicom.DicomImages;
import picocli.CommandLine.Option;

/** {@code --voi C,W}: the VOI window grey DICOM studies are shown to the model through. */
final class WindowOption {
  @Option(names = "--voi", paramLabel = "C,W", description = "Show grey DICOM studies to the model through this "
      + "window (centre and width in the file's rescaled values, e.g. 40,400 for soft tissue in CT) instead of the "
      + "file's own, or a robust window when it has none.")
  String window;

  /** The window given, or null for the files' own. */
  DicomImages.Window window() {
    return window == null ? null : DicomImages.Window.given(window);
  }

  /** What the manifest says of the window. */
  String describe() {
    return window == null ? "each DICOM file's own VOI window, else its 0.5th-99.5th percentile" : "given " + window;
  }
}
