package dev.lumen.core.image;

import java.util.List;

/**
 * A stack of grey slices of one exam, in the order the model reads them (for example the 
 * sagittal slices of an MRNet knee exam).
 *
 * @param source where the volume came from (a file name)
 * @param slices the slices, all of one size
 */
public record Volume(String source, List<Image> slices) {
  public Volume {
    slices = List.copyOf(slices);
    if (slices.isEmpty()) {
      throw new IllegalArgumentException(source + ": a volume needs at least one slice");
    }
    Image first = slices.get(0);
    for (Image s : slices) {
      if (s.width() != first.width() || s.height() != first.height() || s.channels() != first.channels()) {
        throw new IllegalArgumentException(source + ": slices differ in size or channels");
      }
    }
  }

  /** The number of slices. */
  public int depth() {
    return slices.size();
  }
}
