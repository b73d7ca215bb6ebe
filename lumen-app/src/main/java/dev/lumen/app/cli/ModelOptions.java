package dev.lumen.app.cli;

import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.nio.file.Path;
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

  Model load() {
    ModelCard modelCard = card != null ? ModelCard.read(card) : ModelCard.besideModel(model);
    return Model.load(model, modelCard, EngineOptions.defaults().withIntraOpThreads(threads).withBatchSize(batch));
  }
}
