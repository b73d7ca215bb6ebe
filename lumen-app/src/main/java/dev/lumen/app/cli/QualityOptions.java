package dev.lumen.app.cli;

import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.core.quality.Faithfulness;
import dev.lumen.core.quality.PixelFlipping;
import dev.lumen.core.quality.Road;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code lumen evaluate}'s quality measures and their settings. */
final class QualityOptions {
  private static final QualityMeasures.Settings DEFAULTS = QualityMeasures.Settings.defaults();

  @Option(names = "--quality", paramLabel = "MEASURE", split = ",", description = "Also score the --explanations maps "
      + "by deletion, insertion (area under the probability as the map's pixels are removed or revealed), road "
      + "(most and least relevant pixels removed and imputed), aopc (regions flipped to noise), relevance-rank, "
      + "hit-rate, otsu-iou, tuned-iou (CheXlocalize), sparseness, entropy, sensitivity (to small noise), sanity "
      + "(the model randomisation tests), data-randomisation (heads trained on true and shuffled labels), or all.")
  List<String> measures = List.of();

  @Option(names = "--quality-steps", paramLabel = "N", description = "Deletion and insertion: steps that take every "
      + "pixel (default: ${DEFAULT-VALUE}).")
  int steps = DEFAULTS.faithfulness().steps();

  @Option(names = "--deletion-substrate", paramLabel = "zero|mean", description = "What deletion puts in place of a "
      + "pixel (default: ${DEFAULT-VALUE}).")
  String substrate = "zero";

  @Option(names = "--road-percentages", paramLabel = "P", split = ",", description = "ROAD: the percentages of the "
      + "pixels removed, each in (0, 100) (default: 10,20,...,90).")
  double[] roadPercentages = DEFAULTS.road().percentages();

  @Option(names = "--road-noise", paramLabel = "S", description = "ROAD: the imputation noise's standard deviation as "
      + "a fraction of the study's range (default: ${DEFAULT-VALUE}).")
  double roadNoise = DEFAULTS.road().noise();

  @Option(names = "--aopc-region", paramLabel = "PX", description = "AOPC: the side of a flipped region in study "
      + "pixels (default: 9 at 224, scaled to the study).")
  int aopcRegion = DEFAULTS.flipping().region();

  @Option(names = "--aopc-steps", paramLabel = "N", description = "AOPC: regions flipped, most relevant first "
      + "(default: ${DEFAULT-VALUE}, at most every region).")
  int aopcSteps = DEFAULTS.flipping().steps();

  @Option(names = "--sanity-layers", paramLabel = "N", description = "The sanity checks: re-draw the top N learned "
      + "layers (default: every layer).")
  int sanityLayers = DEFAULTS.sanityLayers();

  @Option(names = "--sensitivity-samples", paramLabel = "N", description = "Sensitivity: noisy copies per study "
      + "(default: ${DEFAULT-VALUE}).")
  int sensitivitySamples = DEFAULTS.sensitivitySamples();

  @Option(names = "--sensitivity-radius", paramLabel = "R", description = "Sensitivity: the noise's half-width as a "
      + "fraction of the study's range (default: ${DEFAULT-VALUE}).")
  double sensitivityRadius = DEFAULTS.sensitivityRadius();

  /** The measures named, checked. */
  List<String> measures() {
    return QualityMeasures.named(measures);
  }

  /**
   * The settings, checked.
   *
   * @throws IllegalArgumentException naming the option that is out of range
   */
  QualityMeasures.Settings settings() {
    if (!List.of("zero", "mean").contains(substrate)) {
      throw new IllegalArgumentException("--deletion-substrate is zero or mean, not '" + substrate + "'");
    }
    return new QualityMeasures.Settings(
        new Faithfulness.Settings(steps, Faithfulness.Substrate.valueOf(substrate.toUpperCase(Locale.ROOT)), 0),
        new Road.Settings(roadPercentages, roadNoise), new PixelFlipping.Settings(aopcRegion, aopcSteps),
        sanityLayers, sensitivitySamples, sensitivityRadius);
  }
}
