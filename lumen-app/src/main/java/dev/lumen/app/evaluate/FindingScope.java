package dev.lumen.app.evaluate;

import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.CopyScorer;
import dev.lumen.core.quality.Voxels;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a finding's map is scored, and how the perturbation measures score their copies there:
 *
 * <ul>
 *   <li>a 2D study: its plane, the copies in the model's batches;
 *   <li>an exam of a plane model (MRNet-style): the slice its map ranks hottest ({@link HottestSlice}),
 *       against that slice of the mask, each perturbed copy of the slice scored within the whole
 *       exam — its maps are normalised slice by slice, so their values do not compare across
 *       slices and cannot order the exam's voxels;
 *   <li>a volume of a 3D CNN: the whole volume, its map normalised over the volume, so the
 *       localisation is taken over every voxel (the pointing game's distance in three dimensions)
 *       and the perturbation measures take the voxels in one order and score each copy whole.
 * </ul>
 *
 * @param study the voxels the measures perturb
 * @param heat the map's heat there
 * @param mask the finding there, non-zero on it (null: none)
 * @param scorer how copies of {@code study} are scored
 * @param image the 2D study, which the sensitivity explains again (null for an exam or a volume)
 * @param volume the exam or volume, which the sensitivity explains whole (null for a 2D study)
 */
public record FindingScope(Voxels study, float[] heat, float[] mask, CopyScorer scorer, Image image,
                           Volume volume) {
  /** The map {@code e} of a finding on {@code image} of the image model {@code model}; {@code mask} may be null. */
  public static FindingScope ofImage(Model model, Image image, Explanation e, float[] mask) {
    return new FindingScope(Voxels.of(image), e.heatmap(0).unsafeData(), mask, CopyScorer.of(model, image), image,
        null);
  }

  /**
   * The map {@code e} of a finding in {@code volume} of the volume model {@code model}, against
   * {@code mask} ({@code [slices, height, width]} as the volume; null: none).
   *
   * @throws LumenException naming the volume when the mask is not of its shape
   */
  public static FindingScope ofVolume(Model model, Volume volume, Explanation e, Tensor mask) {
    Image first = volume.slices().get(0);
    long[] shape = {volume.depth(), first.height(), first.width()};
    if (mask != null && !Arrays.equals(mask.shape(), shape)) {
      throw new LumenException(Path.of(volume.source()), "the mask of " + e.target().label() + " has shape "
          + Arrays.toString(mask.shape()) + " but the exam is " + Arrays.toString(shape) + " (slices, height, width)");
    }
    if (model.input().volumetric()) {
      return new FindingScope(Voxels.of(volume), e.heatmap().unsafeData(), mask == null ? null : mask.unsafeData(),
          CopyScorer.volume(model, volume), null, volume);
    }
    int slice = HottestSlice.of(e);
    Image image = volume.slices().get(slice);
    return new FindingScope(Voxels.of(image), e.heatmap(slice).unsafeData(),
        mask == null ? null : mask.slice(slice).unsafeData(), CopyScorer.slice(model, volume, slice), null,
        volume);
  }

  /** The pointing game: the map's peak within the tolerance scaled to the scope's longest side. */
  public boolean pointingHit() {
    return MapAgreement.pointingHit(heat, mask, study.width(), study.height(),
        MapAgreement.pointingTolerance(study.longestSide()));
  }

  /** The peak on the finding itself (CheXlocalize's hit: the pointing game without tolerance). */
  public boolean peakOnFinding() {
    return MapAgreement.pointingHit(heat, mask, study.width(), study.height(), 0);
  }
}
