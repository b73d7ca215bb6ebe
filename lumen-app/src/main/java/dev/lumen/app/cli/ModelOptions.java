package dev.lumen.app.cli;

import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model argument and the options every model-loading command shares. */
final class ModelOptions {
  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (its NAME.lumen.json card is read if present).")
  Path model;

  @Option(names = "--card", paramLabel = "FILE", description = "A model card other than the one beside the model.")
  Path card;

  @Option(names = "--threads", description = "Threads per operator; 0 = one per core (default: ${DEFAULT-VALUE}).")
  int threads = 0;

  @Option(names = "--batch", description = "Images per model run (default: ${DEFAULT-VALUE}).")
  int batch = 16;

  @Option(names = "--labels", split = ",", paramLabel = "LABEL", description = "Label names, in output order.")
  List<String> labels;

  @Option(names = "--task", description = "multi-class, multi-label or binary.")
  String task;

  @Option(names = "--layout", description = "Input layout: NCHW or NHWC.")
  String layout;

  @Option(names = "--channels", description = "Channels the model reads: grayscale, rgb or bgr.")
  String channels;

  @Option(names = "--size", paramLabel = "WxH", description = "Input size for models with a dynamic size, e.g. 224x224.")
  String size;

  @Option(names = "--volume", description = "The model takes one exam's slices as the batch (MRNet).")
  Boolean volume;

  @Option(names = "--normalize", paramLabel = "PRESET", description = "imagenet, unit, raw or minmax.")
  String preset;

  @Option(names = "--resize", description = "stretch, or crop (shorter side to --shorter-side, then centre crop).")
  String resize;

  @Option(names = "--shorter-side", description = "For --resize crop: the shorter side before cropping.")
  Integer shorterSide;

  @Option(names = "--mean", split = ",", description = "Per-channel mean after scaling, e.g. 0.485,0.456,0.406.")
  float[] mean;

  @Option(names = "--std", split = ",", description = "Per-channel standard deviation after scaling.")
  float[] std;

  Model load() {
    ModelCard modelCard = card != null ? ModelCard.read(card) : ModelCard.besideModel(model);
    return Model.load(model, modelCard.overriddenBy(flags()), engineOptions());
  }

  /** The runtime settings the flags ask for. */
  EngineOptions engineOptions() {
    return EngineOptions.defaults().withIntraOpThreads(threads).withBatchSize(batch);
  }

  /** Whether a card or a flag overrides the card beside the model. */
  boolean overridesCard() {
    return card != null || java.util.stream.Stream.of(labels, task, layout, channels, size, volume, preset, resize,
        shorterSide, mean, std).anyMatch(java.util.Objects::nonNull);
  }

  /** The flags as a card that overrides the model's. */
  private ModelCard flags() {
    Integer width = null;
    Integer height = null;
    if (size != null) {
      String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
      if (wh.length != 2 || !wh[0].matches("\\d{1,5}") || !wh[1].matches("\\d{1,5}")) {
        throw new IllegalArgumentException("--size takes WIDTHxHEIGHT, e.g. 224x224, got " + size);
      }
      width = Integer.valueOf(wh[0]);
      height = Integer.valueOf(wh[1]);
    }
    boolean inputSet = java.util.stream.Stream.of(layout, width, height, channels, volume).anyMatch(java.util.Objects::nonNull);
    boolean preprocessingSet = java.util.stream.Stream.of(preset, resize, shorterSide, mean, std)
        .anyMatch(java.util.Objects::nonNull);
    return new ModelCard(null, null, labels, task, null,
        inputSet ? new ModelCard.InputCard(layout, width, height, channels, volume) : null,
        preprocessingSet ? new ModelCard.PreprocessingCard(preset, resize, shorterSide, null, mean, std) : null);
  }
}
